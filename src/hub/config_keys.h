/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every SoftHUB.cfg item this release reads, spelled once: config.c reads
 * each as CONFIG_KEY(FOLDER, Name) (a name missing here does not compile),
 * known.c lists their paths for the start-up report of items it ignores.
 * FOLDER is where the item lives, CONFIG_PATH_<FOLDER> its generalised path.
 */
#ifndef VPN_CONFIG_KEYS_H
#define VPN_CONFIG_KEYS_H

#define CONFIG_PATH_HUB "root/VirtualHUB/*/"
#define CONFIG_PATH_DB CONFIG_PATH_HUB "SecurityAccountDatabase/"
#define CONFIG_PATH_LISTENER "root/ListenerList/*/"
#define CONFIG_PATH_SERVER "root/ServerConfiguration/"
#define CONFIG_PATH_VPNHUB "root/Vpnhub/"
#define CONFIG_PATH_OPTION CONFIG_PATH_HUB "Option/"
#define CONFIG_PATH_MESSAGE CONFIG_PATH_HUB "Message/"
#define CONFIG_PATH_LOGSETTING CONFIG_PATH_HUB "LogSetting/"
#define CONFIG_PATH_ACCESS CONFIG_PATH_HUB "AccessList/*/"
#define CONFIG_PATH_GROUP CONFIG_PATH_DB "GroupList/*/"
#define CONFIG_PATH_USER CONFIG_PATH_DB "UserList/*/"
#define CONFIG_PATH_BRIDGE "root/LocalBridgeList/*/"
#define CONFIG_PATH_CASCADE CONFIG_PATH_HUB "CascadeList/*/"
#define CONFIG_PATH_CASCADE_OPT CONFIG_PATH_CASCADE "ClientOption/"
#define CONFIG_PATH_CASCADE_AUTH CONFIG_PATH_CASCADE "ClientAuth/"
#define CONFIG_PATH_HUBVPNHUB CONFIG_PATH_HUB "Vpnhub/"
#define CONFIG_PATH_CERT CONFIG_PATH_DB "CertList/*/"
#define CONFIG_PATH_CRL CONFIG_PATH_DB "CrlList/*/"
#define CONFIG_PATH_SRCACL CONFIG_PATH_DB "IPAccessControlList/*/"

/* X(FOLDER, Name) for each item */
#define CONFIG_ITEMS(X)                                                                            \
	X(LISTENER, Enabled)                                                                       \
	X(LISTENER, Port)                                                                          \
	X(LISTENER, Address)                                                                       \
	X(BRIDGE, DeviceName)                                                                      \
	X(BRIDGE, HubName)                                                                         \
	X(BRIDGE, TapMode)                                                                         \
	X(BRIDGE, TapMacAddress)                                                                   \
	X(BRIDGE, MonitorMode)                                                                     \
	X(BRIDGE, LimitBroadcast)                                                                  \
	X(BRIDGE, NoPromiscuousMode)                                                               \
	X(CASCADE, Online)                                                                         \
	X(CASCADE, VpnhubFingerprint)                                                              \
	X(CASCADE, Protocol)                                                                       \
	X(CASCADE_OPT, AccountName)                                                                \
	X(CASCADE_OPT, Hostname)                                                                   \
	X(CASCADE_OPT, Port)                                                                       \
	X(CASCADE_OPT, HubName)                                                                    \
	X(CASCADE_OPT, ProxyType)                                                                  \
	X(CASCADE_OPT, ProxyName)                                                                  \
	X(CASCADE_OPT, ProxyPort)                                                                  \
	X(CASCADE_OPT, ProxyUsername)                                                              \
	X(CASCADE_OPT, ProxyPassword)                                                              \
	X(CASCADE_OPT, RetryInterval)                                                              \
	X(CASCADE_AUTH, AuthType)                                                                  \
	X(CASCADE_AUTH, Username)                                                                  \
	X(CASCADE_AUTH, HashedPassword)                                                            \
	X(CASCADE_AUTH, PlainPassword)                                                             \
	X(CASCADE_AUTH, ClientCert)                                                                \
	X(CASCADE_AUTH, ClientKey)                                                                 \
	X(SERVER, HashedPassword)                                                                  \
	X(SERVER, ServerCert)                                                                      \
	X(SERVER, ServerKey)                                                                       \
	X(VPNHUB, Certificate)                                                                     \
	X(VPNHUB, Key)                                                                             \
	X(VPNHUB, StateDir)                                                                        \
	X(VPNHUB, KeepAlive)                                                                       \
	X(VPNHUB, Timeout)                                                                         \
	X(VPNHUB, MaxSessions)                                                                     \
	X(VPNHUB, HubMaxSessions)                                                                  \
	X(VPNHUB, MaxPendingHandshakes)                                                            \
	X(VPNHUB, MaxPendingPerSource)                                                             \
	X(VPNHUB, LoginBackoff)                                                                    \
	X(VPNHUB, LoginBackoffMax)                                                                 \
	X(VPNHUB, LoginBackoffSources)                                                             \
	X(VPNHUB, QueueFrames)                                                                     \
	X(VPNHUB, QueueBytes)                                                                      \
	X(VPNHUB, MaxMacTable)                                                                     \
	X(VPNHUB, SessionMaxMacs)                                                                  \
	X(VPNHUB, MacAging)                                                                        \
	X(VPNHUB, CongestionControl)                                                               \
	X(VPNHUB, CongestionTargetDelay)                                                           \
	X(VPNHUB, CongestionMinQueue)                                                              \
	X(VPNHUB, ControlFrameReserve)                                                             \
	X(VPNHUB, SourcePacing)                                                                    \
	X(VPNHUB, SourcePacingDropRatio)                                                           \
	X(VPNHUB, TunnelCongestionControl)                                                         \
	X(VPNHUB, LogDir)                                                                          \
	X(VPNHUB, LogMaxFileSize)                                                                  \
	X(VPNHUB, LogRetainDays)                                                                   \
	X(VPNHUB, LogRetainMegabytes)                                                              \
	X(VPNHUB, LogToStderr)                                                                     \
	X(VPNHUB, AdminSocket)                                                                     \
	X(VPNHUB, AdminPort)                                                                       \
	X(VPNHUB, DisableSoftEtherProtocol)                                                        \
	X(HUB, Online)                                                                             \
	X(HUB, HashedPassword)                                                                     \
	X(HUB, SecurePassword)                                                                     \
	X(OPTION, MaxSession)                                                                      \
	X(OPTION, NoArpPolling)                                                                    \
	X(OPTION, NoIpTable)                                                                       \
	X(OPTION, SoftEtherPolicyDefaults)                                                         \
	X(OPTION, ManageOnlyPrivateIP)                                                             \
	X(OPTION, ManageOnlyLocalUnicastIPv6)                                                      \
	X(OPTION, BroadcastStormDetectionThreshold)                                                \
	X(OPTION, BroadcastLimiterStrictMode)                                                      \
	X(OPTION, FloodingSendQueueBufferQuota)                                                    \
	X(OPTION, FilterIPv4)                                                                      \
	X(OPTION, FilterIPv6)                                                                      \
	X(OPTION, FilterNonIP)                                                                     \
	X(OPTION, FilterPPPoE)                                                                     \
	X(OPTION, FilterOSPF)                                                                      \
	X(OPTION, FilterBPDU)                                                                      \
	X(OPTION, NoManageVlanId)                                                                  \
	X(OPTION, VlanTypeId)                                                                      \
	X(OPTION, DisableCheckMacOnLocalBridge)                                                    \
	X(OPTION, NoEnum)                                                                          \
	X(HUBVPNHUB, TrustedCaFile)                                                                \
	X(HUBVPNHUB, CrlFile)                                                                      \
	X(CERT, X509)                                                                              \
	X(CRL, CommonName)                                                                         \
	X(CRL, Organization)                                                                       \
	X(CRL, Unit)                                                                               \
	X(CRL, Country)                                                                            \
	X(CRL, State)                                                                              \
	X(CRL, Local)                                                                              \
	X(CRL, Serial)                                                                             \
	X(CRL, DigestMD5)                                                                          \
	X(CRL, DigestSHA1)                                                                         \
	X(SRCACL, Deny)                                                                            \
	X(SRCACL, Priority)                                                                        \
	X(SRCACL, IpAddress)                                                                       \
	X(SRCACL, NetMask)                                                                         \
	X(MESSAGE, MessageText)                                                                    \
	X(LOGSETTING, SavePacketLog)                                                               \
	X(LOGSETTING, SaveSecurityLog)                                                             \
	X(LOGSETTING, PacketLogSwitchType)                                                         \
	X(LOGSETTING, SecurityLogSwitchType)                                                       \
	X(LOGSETTING, PACKET_LOG_TCP_CONN)                                                         \
	X(LOGSETTING, PACKET_LOG_TCP)                                                              \
	X(LOGSETTING, PACKET_LOG_DHCP)                                                             \
	X(LOGSETTING, PACKET_LOG_UDP)                                                              \
	X(LOGSETTING, PACKET_LOG_ICMP)                                                             \
	X(LOGSETTING, PACKET_LOG_IP)                                                               \
	X(LOGSETTING, PACKET_LOG_ARP)                                                              \
	X(LOGSETTING, PACKET_LOG_ETHERNET)                                                         \
	X(ACCESS, Active)                                                                          \
	X(ACCESS, Discard)                                                                         \
	X(ACCESS, IsIPv6)                                                                          \
	X(ACCESS, Priority)                                                                        \
	X(ACCESS, Protocol)                                                                        \
	X(ACCESS, Note)                                                                            \
	X(ACCESS, SrcUsername)                                                                     \
	X(ACCESS, DestUsername)                                                                    \
	X(ACCESS, SrcPortStart)                                                                    \
	X(ACCESS, SrcPortEnd)                                                                      \
	X(ACCESS, DestPortStart)                                                                   \
	X(ACCESS, DestPortEnd)                                                                     \
	X(ACCESS, CheckSrcMac)                                                                     \
	X(ACCESS, CheckDstMac)                                                                     \
	X(ACCESS, CheckTcpState)                                                                   \
	X(ACCESS, Established)                                                                     \
	X(ACCESS, SrcMacAddress)                                                                   \
	X(ACCESS, SrcMacMask)                                                                      \
	X(ACCESS, DstMacAddress)                                                                   \
	X(ACCESS, DstMacMask)                                                                      \
	X(ACCESS, SrcIpAddress)                                                                    \
	X(ACCESS, SrcSubnetMask)                                                                   \
	X(ACCESS, DestIpAddress)                                                                   \
	X(ACCESS, DestSubnetMask)                                                                  \
	X(ACCESS, SrcIpAddress6)                                                                   \
	X(ACCESS, SrcSubnetMask6)                                                                  \
	X(ACCESS, DestIpAddress6)                                                                  \
	X(ACCESS, DestSubnetMask6)                                                                 \
	X(GROUP, RealName)                                                                         \
	X(GROUP, Note)                                                                             \
	X(USER, AuthType)                                                                          \
	X(USER, AuthPassword)                                                                      \
	X(USER, AuthVerifierIterations)                                                            \
	X(USER, AuthVerifierSalt)                                                                  \
	X(USER, AuthVerifierStoredKey)                                                             \
	X(USER, AuthVerifierServerKey)                                                             \
	X(USER, GroupName)                                                                         \
	X(USER, RealName)                                                                          \
	X(USER, Note)                                                                              \
	X(USER, ExpireTime)                                                                        \
	X(USER, AuthUserCert)                                                                      \
	X(USER, AuthCommonName)                                                                    \
	X(USER, AuthSerial)

#define CONFIG_KEY_DECLARE(folder, name) extern const char config_key_##folder##_##name[];
CONFIG_ITEMS(CONFIG_KEY_DECLARE)
#undef CONFIG_KEY_DECLARE

/* The item's name, as config.c looks it up in its folder. */
#define CONFIG_KEY(folder, name) config_key_##folder##_##name

#endif
