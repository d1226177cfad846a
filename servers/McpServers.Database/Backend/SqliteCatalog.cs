using System.Globalization;
using Microsoft.Data.Sqlite;

namespace McpServers.Database.Backend;

/// <summary>Reads tables and views of the allowed (attached) schemas through SQLite's table-valued pragma functions.</summary>
internal static partial class SqliteCatalog
{
    public static List<CatalogTable> Load(SqliteConnection connection, IReadOnlyList<string> schemas)
    {
        var present = Query(connection, "SELECT name FROM pragma_database_list", [], r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
        var tables = new List<CatalogTable>();
        foreach (string schema in schemas.Where(present.Contains))
        {
            // The schema name comes from configuration and is quoted; table names are bound as parameters.
            string q = SqliteDialect.Instance.Quote(schema);
            bool hasStats = Query(connection, $"SELECT 1 FROM {q}.sqlite_master WHERE name = 'sqlite_stat1'", [], _ => true).Count > 0;
            var objects = Query(connection, $"SELECT name, type FROM {q}.sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", [],
                r => (Name: r.GetString(0), Type: r.GetString(1)));
            foreach ((string name, string type) in objects)
            {
                tables.Add(LoadTable(connection, schema, q, name, type, hasStats));
            }
        }

        return tables;
    }

    private static CatalogTable LoadTable(SqliteConnection connection, string schema, string quotedSchema, string name, string type, bool hasStats)
    {
        (string, object)[] args = [("@t", name), ("@s", schema)];
        var columnRows = Query(connection, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(@t, @s) ORDER BY cid", args,
            r => (Name: r.GetString(0), Type: r.IsDBNull(1) ? string.Empty : r.GetString(1), NotNull: r.GetInt64(2) != 0,
                Default: r.IsDBNull(3) ? null : r.GetString(3), Pk: r.GetInt64(4), Hidden: r.GetInt64(5)));
        var columns = columnRows.Where(c => c.Hidden != 1)
            .Select(c => new CatalogColumn(c.Name, c.Type.Length == 0 ? "any" : c.Type.ToLowerInvariant(), Kind(c.Type), !c.NotNull && c.Pk == 0, c.Default, null, Scale(c.Type)))
            .ToList();
        var primaryKey = columnRows.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();

        var fkRows = Query(connection, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(@t, @s) ORDER BY id, seq", args,
            r => (Id: r.GetInt64(0), Table: r.GetString(1), From: r.GetString(2), To: r.IsDBNull(3) ? null : r.GetString(3)));
        var foreignKeys = fkRows.GroupBy(f => f.Id).Select(g => new CatalogForeignKey(
            "fk_" + g.Key.ToString(CultureInfo.InvariantCulture), g.Select(f => f.From).ToList(), schema, g.First().Table,

            // A null "to" means the referenced table's primary key; the query builder falls back to it.
            g.All(f => f.To is not null) ? g.Select(f => f.To!).ToList() : [])).ToList();

        var indexes = new List<CatalogIndex>();
        foreach ((string indexName, bool unique) in Query(connection, "SELECT name, \"unique\" FROM pragma_index_list(@t, @s) ORDER BY name", args, r => (r.GetString(0), r.GetInt64(1) != 0)))
        {
            var members = Query(connection, "SELECT name FROM pragma_index_info(@i, @s) ORDER BY seqno", [("@i", indexName), ("@s", schema)],
                r => r.IsDBNull(0) ? "(expression)" : r.GetString(0));
            indexes.Add(new CatalogIndex(indexName, members, unique));
        }

        long? rows = null;
        if (hasStats && type == "table")
        {
            string? stat = Query(connection, $"SELECT stat FROM {quotedSchema}.sqlite_stat1 WHERE tbl = @t LIMIT 1", [("@t", name)], r => r.GetString(0)).FirstOrDefault();
            rows = stat is not null && long.TryParse(stat.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
        }

        return new CatalogTable(schema, name, type, rows, null, columns, primaryKey, foreignKeys, indexes);
    }

    /// <summary>SQLite type affinity rules (datatype3.html §3.1), refined for dates and booleans by declared type name.</summary>
    internal static ColumnKind Kind(string declared)
    {
        string t = declared.ToUpperInvariant();
        return t switch
        {
            _ when t.Contains("BOOL", StringComparison.Ordinal) => ColumnKind.Boolean,
            _ when t.Contains("DATETIME", StringComparison.Ordinal) || t.Contains("TIMESTAMP", StringComparison.Ordinal) => ColumnKind.Timestamp,
            _ when t.Contains("DATE", StringComparison.Ordinal) => ColumnKind.Date,
            _ when t.Contains("INT", StringComparison.Ordinal) => ColumnKind.Integer,
            _ when t.Contains("CHAR", StringComparison.Ordinal) || t.Contains("CLOB", StringComparison.Ordinal) || t.Contains("TEXT", StringComparison.Ordinal) => ColumnKind.Text,
            _ when t.Contains("BLOB", StringComparison.Ordinal) => ColumnKind.Bytes,
            _ when t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal) => ColumnKind.Float,
            _ when t.Contains("UUID", StringComparison.Ordinal) || t.Contains("GUID", StringComparison.Ordinal) => ColumnKind.Text,
            _ when t.Contains("JSON", StringComparison.Ordinal) => ColumnKind.Json,
            _ when t.Contains("NUM", StringComparison.Ordinal) || t.Contains("DEC", StringComparison.Ordinal) => ColumnKind.Decimal,
            _ => ColumnKind.Other,
        };
    }

    private static int? Scale(string declared)
    {
        System.Text.RegularExpressions.Match m = ScaleSuffix().Match(declared);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\(\s*\d+\s*,\s*(\d+)\s*\)")]
    private static partial System.Text.RegularExpressions.Regex ScaleSuffix();

    private static List<T> Query<T>(SqliteConnection connection, string sql, (string Name, object Value)[] parameters, Func<SqliteDataReader, T> map)
    {
        using SqliteCommand cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach ((string n, object v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        using SqliteDataReader reader = cmd.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }
}
