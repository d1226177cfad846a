using McpServers.Shared.Errors;

namespace McpServers.Database.Backend;

/// <summary>How values of a column are bound, compared and written, independent of the SQL dialect.</summary>
#pragma warning disable CA1720 // The members name SQL type families on purpose; they are not CLR type names.
public enum ColumnKind
{
    Text,
    Integer,
    Decimal,
    Float,
    Boolean,
    Date,
    Timestamp,
    TimestampTz,
    Uuid,
    Bytes,
    Json,
    Other,
}
#pragma warning restore CA1720

internal sealed record CatalogColumn(string Name, string DataType, ColumnKind Kind, bool Nullable, string? Default, string? Comment, int? Scale = null);

internal sealed record CatalogForeignKey(string Name, IReadOnlyList<string> Columns, string TargetSchema, string TargetTable, IReadOnlyList<string> TargetColumns)
{
    /// <summary>Prefix under which the referenced table's columns are reachable; set by <see cref="Catalog"/>.</summary>
    public string Relation { get; init; } = string.Empty;
}

internal sealed record CatalogIndex(string Name, IReadOnlyList<string> Columns, bool Unique);

/// <summary>Kind is "table", "view", "materialized view", "foreign table" or "partitioned table".</summary>
internal sealed record CatalogTable(
    string Schema,
    string Name,
    string Kind,
    long? RowEstimate,
    string? Comment,
    IReadOnlyList<CatalogColumn> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<CatalogForeignKey> ForeignKeys,
    IReadOnlyList<CatalogIndex> Indexes)
{
    public string QualifiedName => $"{Schema}.{Name}";

    public bool IsView => Kind is "view";

    public CatalogColumn? FindColumn(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? SingleOrNull(Columns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)));

    public CatalogForeignKey? FindRelation(string name) =>
        ForeignKeys.FirstOrDefault(f => string.Equals(f.Relation, name, StringComparison.Ordinal))
        ?? SingleOrNull(ForeignKeys.Where(f => string.Equals(f.Relation, name, StringComparison.OrdinalIgnoreCase)));

    private static T? SingleOrNull<T>(IEnumerable<T> items) where T : class
    {
        var list = items.Take(2).ToList();
        return list.Count == 1 ? list[0] : null;
    }
}

/// <summary>
/// The visible database: only allowed schemas, with denied tables and columns already removed, so nothing downstream
/// can name them. Every identifier in generated SQL comes from here.
/// </summary>
internal sealed class Catalog
{
    private readonly Dictionary<string, CatalogTable> _byName;

    public Catalog(IEnumerable<CatalogTable> tables, AccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Tables = policy.Apply(tables.ToList());
        DefaultSchema = policy.AllowedSchemas[0];
        _byName = Tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
    }

    public IReadOnlyList<CatalogTable> Tables { get; }

    public string DefaultSchema { get; }

    /// <summary>Finds a visible table; the error is the same for denied and missing tables (no existence oracle).</summary>
    public CatalogTable Resolve(string? text, string parameterName = "table")
    {
        QualifiedTableName name = QualifiedTableName.Parse(text, parameterName);
        CatalogTable? table = name.Schema is null
            ? Find(DefaultSchema, name.Name) ?? FindUniqueByName(name.Name)
            : Find(name.Schema, name.Name);
        return table ?? throw new ToolInputException(
            $"Table `{Describe.Input(text)}` does not exist or is not visible to this server. Available tables: {Describe.List(Tables.Select(t => t.QualifiedName))}.");
    }

    public CatalogTable? Find(string schema, string name)
    {
        if (_byName.TryGetValue($"{schema}.{name}", out CatalogTable? exact))
        {
            return exact;
        }

        var folded = Tables.Where(t => string.Equals(t.Schema, schema, StringComparison.OrdinalIgnoreCase)
            && string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return folded.Count == 1 ? folded[0] : null;
    }

    private CatalogTable? FindUniqueByName(string name)
    {
        var matches = Tables.Where(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
