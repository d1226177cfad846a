using System.Text.RegularExpressions;

namespace McpServers.Database.Backend;

/// <summary>
/// Allowed schemas plus denied table/column globs. Applied once to the catalog, so a denied object is absent from
/// listing, description, selection, filtering, ordering, grouping and foreign-key paths alike.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly Regex[] _deniedTables;
    private readonly Regex[] _deniedColumns;
    private readonly bool[] _tablePatternQualified;
    private readonly bool[] _columnPatternQualified;

    public AccessPolicy(IReadOnlyList<string> allowedSchemas, IReadOnlyList<string> deniedTables, IReadOnlyList<string> deniedColumns)
    {
        AllowedSchemas = allowedSchemas.Count > 0 ? allowedSchemas : throw new ArgumentException("At least one schema must be allowed.", nameof(allowedSchemas));
        _deniedTables = deniedTables.Select(ToRegex).ToArray();
        _tablePatternQualified = deniedTables.Select(p => p.Contains('.', StringComparison.Ordinal)).ToArray();
        _deniedColumns = deniedColumns.Select(ToRegex).ToArray();
        _columnPatternQualified = deniedColumns.Select(p => p.Contains('.', StringComparison.Ordinal)).ToArray();
    }

    public IReadOnlyList<string> AllowedSchemas { get; }

    public bool IsSchemaAllowed(string schema) => AllowedSchemas.Contains(schema, StringComparer.Ordinal);

    public bool IsTableDenied(string schema, string table)
    {
        for (int i = 0; i < _deniedTables.Length; i++)
        {
            string subject = _tablePatternQualified[i] ? $"{schema}.{table}" : table;
            if (_deniedTables[i].IsMatch(subject))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsColumnDenied(string schema, string table, string column)
    {
        for (int i = 0; i < _deniedColumns.Length; i++)
        {
            string subject = _columnPatternQualified[i] ? $"{schema}.{table}.{column}" : column;
            if (_deniedColumns[i].IsMatch(subject))
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<CatalogTable> Apply(IReadOnlyList<CatalogTable> tables)
    {
        var visible = tables.Where(t => IsSchemaAllowed(t.Schema) && !IsTableDenied(t.Schema, t.Name))
            .ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        var result = new List<CatalogTable>(visible.Count);
        foreach (CatalogTable table in visible.Values.OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            bool Hidden(string column) => IsColumnDenied(table.Schema, table.Name, column);
            var columns = table.Columns.Where(c => !Hidden(c.Name)).ToList();

            // A key or index over a hidden column would reveal it (and let it steer ordering), so it goes too.
            IReadOnlyList<string> primaryKey = table.PrimaryKey.Any(Hidden) ? [] : table.PrimaryKey;
            var foreignKeys = table.ForeignKeys
                .Where(f => !f.Columns.Any(Hidden)
                    && visible.ContainsKey($"{f.TargetSchema}.{f.TargetTable}")
                    && !f.TargetColumns.Any(c => IsColumnDenied(f.TargetSchema, f.TargetTable, c)))
                .ToList();
            var indexes = table.Indexes.Where(i => i.Columns.Count > 0 && !i.Columns.Any(Hidden)).ToList();
            result.Add(table with { Columns = columns, PrimaryKey = primaryKey, ForeignKeys = NameRelations(foreignKeys), Indexes = indexes });
        }

        return result;
    }

    /// <summary>customer_id → "customer"; otherwise the referenced table's name; duplicates fall back to the FK columns.</summary>
    private static List<CatalogForeignKey> NameRelations(List<CatalogForeignKey> foreignKeys)
    {
        static string Preferred(CatalogForeignKey f) =>
            f.Columns.Count == 1 && f.Columns[0].Length > 3 && f.Columns[0].EndsWith("_id", StringComparison.OrdinalIgnoreCase)
                ? f.Columns[0][..^3]
                : f.TargetTable;

        var names = foreignKeys.Select(Preferred).ToList();
        var named = new List<CatalogForeignKey>(foreignKeys.Count);
        for (int i = 0; i < foreignKeys.Count; i++)
        {
            string name = names.Count(n => string.Equals(n, names[i], StringComparison.OrdinalIgnoreCase)) > 1
                ? string.Join("_", foreignKeys[i].Columns)
                : names[i];
            named.Add(foreignKeys[i] with { Relation = name });
        }

        return named;
    }

    private static Regex ToRegex(string glob)
    {
        string pattern = "^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
