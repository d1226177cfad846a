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
        var tables = new Dictionary<long, (string Schema, string Name, string Kind, long? Rows, string? Comment)>();
        await ReadAsync(connection, TablesSql, schemas, r =>
        {
            double rows = r.GetDouble(4);
            // reltuples is -1 before the first ANALYZE and meaningless (0) for views.
            string kind = RelationKind(r.GetString(3));
            tables[r.GetInt64(0)] = (r.GetString(1), r.GetString(2), kind, rows < 0 || kind == "view" ? null : (long)rows, Nullable(r, 5));
        }, ct);

        var columns = new Dictionary<long, List<CatalogColumn>>();
        await ReadAsync(connection, ColumnsSql, schemas, r =>
        {
            var column = new CatalogColumn(r.GetString(1), r.GetString(2), Kind(r.GetString(3), r.GetString(4)), !r.GetBoolean(5), Nullable(r, 6), Nullable(r, 7));
            Add(columns, r.GetInt64(0), column);
        }, ct);

        var primaryKeys = new Dictionary<long, List<string>>();
        var foreignKeys = new Dictionary<long, Dictionary<string, (List<string> From, string Schema, string Table, List<string> To)>>();
        await ReadAsync(connection, ConstraintsSql, schemas, r =>
        {
            long table = r.GetInt64(0);
            if (r.GetString(1) == "p")
            {
                Add(primaryKeys, table, r.GetString(4));
                return;
            }

            if (!foreignKeys.TryGetValue(table, out var byName))
            {
                foreignKeys[table] = byName = [];
            }

            string name = r.GetString(2);
            if (!byName.TryGetValue(name, out var fk))
            {
                byName[name] = fk = ([], r.GetString(5), r.GetString(6), []);
            }

            fk.From.Add(r.GetString(4));
            fk.To.Add(r.GetString(7));
        }, ct);

        var indexes = new Dictionary<long, Dictionary<string, (bool Unique, List<string> Columns)>>();
        await ReadAsync(connection, IndexesSql, schemas, r =>
        {
            long table = r.GetInt64(0);
            if (!indexes.TryGetValue(table, out var byName))
            {
                indexes[table] = byName = [];
            }

            string name = r.GetString(1);
            if (!byName.TryGetValue(name, out var index))
            {
                byName[name] = index = (r.GetBoolean(2), []);
            }

            // Expression index members have no column name.
            index.Columns.Add(Nullable(r, 4) ?? "(expression)");
        }, ct);

        return tables.Select(kv => new CatalogTable(
            kv.Value.Schema,
            kv.Value.Name,
            kv.Value.Kind,
            kv.Value.Rows,
            kv.Value.Comment,
            columns.GetValueOrDefault(kv.Key) ?? [],
            primaryKeys.GetValueOrDefault(kv.Key) ?? [],
            (foreignKeys.GetValueOrDefault(kv.Key) ?? []).Select(f => new CatalogForeignKey(f.Key, f.Value.From, f.Value.Schema, f.Value.Table, f.Value.To)).ToList(),
            (indexes.GetValueOrDefault(kv.Key) ?? []).Select(i => new CatalogIndex(i.Key, i.Value.Columns, i.Value.Unique)).ToList())).ToList();
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

    private static void Add<T>(Dictionary<long, List<T>> map, long key, T item)
    {
        if (!map.TryGetValue(key, out List<T>? list))
        {
            map[key] = list = [];
        }

        list.Add(item);
    }

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
