using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace McpServers.Database.Backend;

/// <summary>Reads tables, columns, keys and indexes of the allowed schemas from pg_catalog (tables the role can SELECT only).</summary>
internal static class PostgresCatalog
{
    private const string TablesSql = """
        SELECT c.oid::bigint, n.nspname, c.relname, c.relkind::text, c.reltuples::float8, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition
          AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname
        """;

    private const string ColumnsSql = """
        SELECT a.attrelid::bigint, a.attname, format_type(a.atttypid, a.atttypmod), bt.typname, bt.typcategory::text,
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    private const string ConstraintsSql = """
        SELECT con.conrelid::bigint, con.contype::text, con.conname, k.ord, a.attname, fn.nspname, fc.relname, fa.attname
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        LEFT JOIN pg_class fc ON fc.oid = con.confrelid
        LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord]
        WHERE n.nspname = ANY($1) AND con.contype IN ('p', 'f')
        ORDER BY con.conrelid, con.conname, k.ord
        """;

    private const string IndexesSql = """
        SELECT i.indrelid::bigint, ic.relname, i.indisunique, k.ord, a.attname
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE n.nspname = ANY($1)
        ORDER BY i.indrelid, ic.relname, k.ord
        """;

    public static async Task<IReadOnlyList<CatalogTable>> LoadAsync(NpgsqlConnection connection, IReadOnlyList<string> schemas, CancellationToken ct)
    {
        var catalog = new CatalogBuilder<long>();
        await ReadAsync(connection, TablesSql, schemas, r =>
        {
            double rows = r.GetDouble(4);
            // reltuples is -1 before the first ANALYZE and meaningless (0) for views.
            string kind = RelationKind(r.GetString(3));
            catalog.AddTable(r.GetInt64(0), r.GetString(1), r.GetString(2), kind, rows < 0 || kind == "view" ? null : (long)rows, Nullable(r, 5));
        }, ct);

        await ReadAsync(connection, ColumnsSql, schemas, r =>
            catalog.AddColumn(r.GetInt64(0), new CatalogColumn(r.GetString(1), r.GetString(2), Kind(r.GetString(3), r.GetString(4)), !r.GetBoolean(5), Nullable(r, 6), Nullable(r, 7))), ct);

        await ReadAsync(connection, ConstraintsSql, schemas, r =>
        {
            if (r.GetString(1) == "p")
            {
                catalog.AddPrimaryKeyColumn(r.GetInt64(0), r.GetString(4));
            }
            else
            {
                catalog.AddForeignKeyColumn(r.GetInt64(0), r.GetString(2), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7));
            }
        }, ct);

        await ReadAsync(connection, IndexesSql, schemas, r =>
            // Expression index members have no column name.
            catalog.AddIndexColumn(r.GetInt64(0), r.GetString(1), r.GetBoolean(2), Nullable(r, 4) ?? "(expression)"), ct);

        return catalog.Build();
    }

    internal static ColumnKind Kind(string baseType, string category) => baseType switch
    {
        "int2" or "int4" or "int8" => ColumnKind.Integer,
        "numeric" => ColumnKind.Decimal,
        "float4" or "float8" => ColumnKind.Float,
        "bool" => ColumnKind.Boolean,
        "text" or "varchar" or "bpchar" or "name" or "citext" => ColumnKind.Text,
        "date" => ColumnKind.Date,
        "timestamp" => ColumnKind.Timestamp,
        "timestamptz" => ColumnKind.TimestampTz,
        "uuid" => ColumnKind.Uuid,
        "bytea" => ColumnKind.Bytes,
        "json" or "jsonb" => ColumnKind.Json,
        _ => category == "S" ? ColumnKind.Text : ColumnKind.Other,
    };

    private static string RelationKind(string relkind) => relkind switch
    {
        "v" => "view",
        "m" => "materialized view",
        "f" => "foreign table",
        "p" => "partitioned table",
        _ => "table",
    };

    private static string? Nullable(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, IReadOnlyList<string> schemas, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schemas.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            row(reader);
        }
    }
}
