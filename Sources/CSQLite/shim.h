#ifndef DOCVAULT_CSQLITE_SHIM_H
#define DOCVAULT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
