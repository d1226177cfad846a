namespace McpServers.Database.Backend;

/// <summary>
/// Collects the rows of a server's catalog queries (tables, columns, key columns, index columns), keyed by the
/// backend's own table identity (an oid, a schema/name pair), and assembles the tables in the order they were added.
/// </summary>
internal sealed class CatalogBuilder<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, (string Schema, string Name, string Kind, long? Rows, string? Comment)> _tables = [];
    private readonly Dictionary<TKey, List<CatalogColumn>> _columns = [];
    private readonly Dictionary<TKey, List<string>> _primaryKeys = [];
    private readonly Dictionary<TKey, Dictionary<string, (List<string> From, string Schema, string Table, List<string> To)>> _foreignKeys = [];
    private readonly Dictionary<TKey, Dictionary<string, (bool Unique, List<string> Columns)>> _indexes = [];

    public void AddTable(TKey table, string schema, string name, string kind, long? rows, string? comment) =>
        _tables[table] = (schema, name, kind, rows, comment);

    public void AddColumn(TKey table, CatalogColumn column) => ListFor(_columns, table).Add(column);

    public void AddPrimaryKeyColumn(TKey table, string column) => ListFor(_primaryKeys, table).Add(column);

    /// <summary>The next column of foreign key <paramref name="name"/>; its target table is taken from the first row.</summary>
    public void AddForeignKeyColumn(TKey table, string name, string column, string targetSchema, string targetTable, string targetColumn)
    {
        Dictionary<string, (List<string> From, string Schema, string Table, List<string> To)> byName = MapFor(_foreignKeys, table);
        if (!byName.TryGetValue(name, out var fk))
        {
            byName[name] = fk = ([], targetSchema, targetTable, []);
        }

        fk.From.Add(column);
        fk.To.Add(targetColumn);
    }

    /// <summary>The next column of index <paramref name="name"/>; whether it is unique is taken from the first row.</summary>
    public void AddIndexColumn(TKey table, string name, bool unique, string column)
    {
        Dictionary<string, (bool Unique, List<string> Columns)> byName = MapFor(_indexes, table);
        if (!byName.TryGetValue(name, out var index))
        {
            byName[name] = index = (unique, []);
        }

        index.Columns.Add(column);
    }

    public IReadOnlyList<CatalogTable> Build() =>
        _tables.Select(kv => new CatalogTable(
            kv.Value.Schema,
            kv.Value.Name,
            kv.Value.Kind,
            kv.Value.Rows,
            kv.Value.Comment,
            _columns.GetValueOrDefault(kv.Key) ?? [],
            _primaryKeys.GetValueOrDefault(kv.Key) ?? [],
            (_foreignKeys.GetValueOrDefault(kv.Key) ?? []).Select(f => new CatalogForeignKey(f.Key, f.Value.From, f.Value.Schema, f.Value.Table, f.Value.To)).ToList(),
            (_indexes.GetValueOrDefault(kv.Key) ?? []).Select(i => new CatalogIndex(i.Key, i.Value.Columns, i.Value.Unique)).ToList())).ToList();

    private static List<T> ListFor<T>(Dictionary<TKey, List<T>> map, TKey key)
    {
        if (!map.TryGetValue(key, out List<T>? list))
        {
            map[key] = list = [];
        }

        return list;
    }

    private static Dictionary<string, T> MapFor<T>(Dictionary<TKey, Dictionary<string, T>> map, TKey key)
    {
        if (!map.TryGetValue(key, out Dictionary<string, T>? byName))
        {
            map[key] = byName = [];
        }

        return byName;
    }
}
