// Shared by the probe's files: how a result is printed.
#pragma once

// Prints "key=ok" for rc >= 0, else "key=<errno name>" (EPERM, EACCES, ...).
void report(const char* key, long rc);
// Prints "key=value".
void print(const char* key, const char* value);

// Runs one attempt named `what` with optional argument `arg` (from "what=arg").
// Returns false for an unknown name.
bool attempt(const char* what, const char* arg);
