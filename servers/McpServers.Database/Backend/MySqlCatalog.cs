using System.Data.Common;
using System.Globalization;
using MySqlConnector;

namespace McpServers.Database.Backend;

/// <summary>
/// Reads tables, columns, keys and indexes of the allowed schemas (MySQL databases) from information_schema, which
/// lists only objects the user holds some privilege on.
/// </summary>
internal static class MySqlCatalog
{
    private const string TablesSql = """
        SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT
        FROM information_schema.TABLES
        WHERE TABLE_SCHEMA IN ({0}) AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')
        ORDER BY TABLE_SCHEMA, TABLE_NAME
        """;

    private const string ColumnsSql = """
        SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, NUMERIC_SCALE
        FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA IN ({0})
        ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
        """;

    // KEY_COLUMN_USAGE carries the referenced table and column of each foreign-key column itself.
    private const string KeysSql = """
        SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
        FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA IN ({0}) AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
        ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
        """;

    private const string IndexesSql = """
        SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME
        FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA IN ({0})
        ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
        """;

    public static async Task<IReadOnlyList<CatalogTable>> LoadAsync(MySqlConnection connection, IReadOnlyList<string> schemas, CancellationToken ct)
    {
        var catalog = new CatalogBuilder<(string, string)>();
        await ReadAsync(connection, TablesSql, schemas, r =>
        {
            string kind = r.GetString(2) == "VIEW" ? "view" : "table";
            // A view's comment is the word VIEW, and its TABLE_ROWS means nothing.
            string? comment = kind == "view" ? null : EmptyAsNull(Text(r, 4));
            catalog.AddTable(Key(r), r.GetString(0), r.GetString(1), kind, kind == "view" || r.IsDBNull(3) ? null : Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), comment);
        }, ct);

        await ReadAsync(connection, ColumnsSql, schemas, r =>
        {
            string columnType = r.GetString(3);
            int? scale = r.IsDBNull(8) ? null : Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture);
            ColumnKind kind = Kind(r.GetString(4), columnType);
            catalog.AddColumn(Key(r), new CatalogColumn(r.GetString(2), columnType, kind, r.GetString(5) == "YES", Default(Text(r, 6)), EmptyAsNull(Text(r, 7)),
                kind == ColumnKind.Decimal ? scale : null));
        }, ct);

        await ReadAsync(connection, KeysSql, schemas, r =>
        {
            if (r.IsDBNull(5))
            {
                catalog.AddPrimaryKeyColumn(Key(r), r.GetString(3));
            }
            else
            {
                catalog.AddForeignKeyColumn(Key(r), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));
            }
        }, ct);

        await ReadAsync(connection, IndexesSql, schemas, r =>
            // Functional key parts (MySQL 8) have no column name.
            catalog.AddIndexColumn(Key(r), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture) == 0, Text(r, 4) ?? "(expression)"), ct);

        return catalog.Build();
    }

    /// <summary>DATA_TYPE plus COLUMN_TYPE: tinyint(1) is how BOOLEAN is stored (and what MySqlConnector reads as bool).</summary>
    internal static ColumnKind Kind(string dataType, string columnType) => dataType.ToLowerInvariant() switch
    {
        "tinyint" when columnType.StartsWith("tinyint(1)", StringComparison.OrdinalIgnoreCase) => ColumnKind.Boolean,
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "year" => ColumnKind.Integer,
        "decimal" or "numeric" => ColumnKind.Decimal,
        "float" or "double" or "real" => ColumnKind.Float,
        "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => ColumnKind.Text,
        "date" => ColumnKind.Date,
        "datetime" => ColumnKind.Timestamp,
        // TIMESTAMP is stored in UTC and shown in the session time zone, which every call pins to +00:00.
        "timestamp" => ColumnKind.TimestampTz,
        "json" => ColumnKind.Json,
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ColumnKind.Bytes,
        // MariaDB's uuid type compares with its text form; enum, set, bit, time and spatial types are compared as text.
        "uuid" => ColumnKind.Text,
        _ => ColumnKind.Other,
    };

    /// <summary>MariaDB writes a missing default as the word NULL and quotes string defaults; MySQL gives SQL NULL and bare text.</summary>
    private static string? Default(string? value) => value is null or "NULL" ? null : value;

    private static (string, string) Key(DbDataReader reader) => (reader.GetString(0), reader.GetString(1));

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string? EmptyAsNull(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static async Task ReadAsync(MySqlConnection connection, string sql, IReadOnlyList<string> schemas, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand(null, connection);
        cmd.CommandText = string.Format(CultureInfo.InvariantCulture, sql, MySqlGateway.InList(cmd, schemas, "s"));
        await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            row(reader);
        }
    }
}
