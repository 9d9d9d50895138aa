#ifndef DOCVAULT_CSQLITE_SHIM_H
#define DOCVAULT_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Turns off the checkpoint SQLite runs when the last connection closes (sqlite3_db_config is variadic,
/// so Swift cannot call it directly). Returns an SQLite result code.
static inline int docvault_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
#endif
