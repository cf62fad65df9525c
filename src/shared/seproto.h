/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Constants of SoftEther's login protocol shared by both ends: the error
 * codes a stock client or server understands (Cedar.h ERR_*), the login
 * methods (CLIENT_AUTHTYPE_*) and the version a vpnhub end announces.
 */
#ifndef VPN_SEPROTO_H
#define VPN_SEPROTO_H

/* error codes in the "error" element of a PACK (absent: 0) */
#define SE_ERR_NONE 0
#define SE_ERR_PROTOCOL 4
#define SE_ERR_AUTHTYPE_NOT_SUPPORTED 7
#define SE_ERR_HUB_NOT_FOUND 8
#define SE_ERR_AUTH_FAILED 9
#define SE_ERR_HUB_STOPPING 10
#define SE_ERR_SESSION_REMOVED 11
#define SE_ERR_ACCESS_DENIED 12
#define SE_ERR_SESSION_TIMEOUT 13
#define SE_ERR_TOO_MANY_CONNECTION 15
#define SE_ERR_HUB_IS_BUSY 16
#define SE_ERR_TOO_MANY_USER_SESSION 20
#define SE_ERR_INTERNAL 23
#define SE_ERR_NOT_SUPPORTED 33
#define SE_ERR_IP_ADDRESS_DENIED 109

/* "authtype" of the login PACK */
#define SE_AUTH_ANONYMOUS 0
#define SE_AUTH_PASSWORD 1 /* secure_password: SHA-0(hash || random) */
#define SE_AUTH_PLAIN 2	   /* plain_password: RADIUS / NT domain accounts */
#define SE_AUTH_CERT 3

/* what a vpnhub end announces in Hello / login ("version", "build") */
#define SE_VERSION 501
#define SE_BUILD 9674

#define SE_PASSWORD_MAX 255 /* MAX_PASSWORD_LEN */
#define SE_NAME_MAX 255	    /* MAX_USERNAME_LEN, MAX_HUBNAME_LEN */
#define SE_TIMEOUT_MIN_MS 5000
#define SE_TIMEOUT_MAX_MS 60000

#endif
