/* SPDX-License-Identifier: MIT */
#pragma once

/* The nd-persist verbs. main.c picks one by name and hands it the remaining
 * arguments (argv[0] is the verb). Each verb parses its own options, calls
 * the library and returns the process exit status (0 success, 1 failure,
 * 2 usage error). */

int verb_boot(int argc, char *argv[]);
int verb_create(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_passphrase(int argc, char *argv[]);
int verb_close(int argc, char *argv[]);
