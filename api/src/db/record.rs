//! The queries every stored record has, declared once: reading one by id
//! (with or without a row lock), inserting one, changing one (bumping its
//! version and stamping when it changed) and deleting one. Each table's
//! module declares the ones it needs, beside its own queries.

/// Declares `find` and `find_for_update` for a table with a uuid `id`.
macro_rules! find_queries {
    ($table:ident, $row:ty) => {
        /// The record with this id.
        pub async fn find(conn: &mut Conn, id: Uuid) -> QueryResult<$row> {
            $table::table
                .find(id)
                .select(<$row>::as_select())
                .first(conn)
                .await
        }

        /// The record with this id, locked for a change until the
        /// transaction ends.
        pub async fn find_for_update(conn: &mut Conn, id: Uuid) -> QueryResult<$row> {
            $table::table
                .find(id)
                .select(<$row>::as_select())
                .for_update()
                .first(conn)
                .await
        }
    };
}

/// Declares `insert`, which stores a new record and returns it as stored.
macro_rules! insert_query {
    ($table:ident, $row:ty, $new:ty) => {
        /// Stores a new record.
        pub async fn insert(conn: &mut Conn, new: &$new) -> QueryResult<$row> {
            diesel::insert_into($table::table)
                .values(new)
                .returning(<$row>::as_returning())
                .get_result(conn)
                .await
        }
    };
}

/// Declares `update` for a versioned table: the change set applied, the
/// version bumped, `updated_at` stamped.
macro_rules! update_query {
    ($table:ident, $row:ty, $changes:ty) => {
        /// Applies a change set, bumping the version.
        pub async fn update(conn: &mut Conn, id: Uuid, changes: &$changes) -> QueryResult<$row> {
            diesel::update($table::table.find(id))
                .set((
                    changes,
                    $table::version.eq($table::version + 1),
                    $table::updated_at.eq(diesel::dsl::now),
                ))
                .returning(<$row>::as_returning())
                .get_result(conn)
                .await
        }
    };
}

/// Declares `delete`, which removes a record (and what cascades from it).
macro_rules! delete_query {
    ($table:ident) => {
        /// Removes the record with this id; the number of rows removed.
        pub async fn delete(conn: &mut Conn, id: Uuid) -> QueryResult<usize> {
            diesel::delete($table::table.find(id)).execute(conn).await
        }
    };
}
