using System.Text.Json;
using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

public sealed record TableSummary(string Schema, string Name, string Kind, long? RowEstimate, string? Comment)
{
    public string QualifiedName => $"{Schema}.{Name}";
}

public sealed record TableList(IReadOnlyList<TableSummary> Tables, Truncation Truncation);

public sealed record ColumnDescription(string Name, string Type, bool Nullable, string? Default, string? Comment, bool PrimaryKey);

/// <summary>A many-to-one link. <paramref name="Relation"/> is the prefix for reaching its columns (<c>customer.name</c>).</summary>
public sealed record ForeignKeyDescription(string Relation, IReadOnlyList<string> Columns, string ReferencedTable, IReadOnlyList<string> ReferencedColumns);

public sealed record IndexDescription(string Name, IReadOnlyList<string> Columns, bool Unique);

/// <summary>A one-to-many link seen from its "one" side: <paramref name="Table"/>'s <paramref name="Columns"/> point at this table's <paramref name="ReferencedColumns"/>.</summary>
public sealed record ReferenceDescription(string Table, IReadOnlyList<string> Columns, IReadOnlyList<string> ReferencedColumns);

public sealed record TableDescription(
    string Schema,
    string Name,
    string Kind,
    long? RowEstimate,
    string? Comment,
    IReadOnlyList<ColumnDescription> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<ForeignKeyDescription> ForeignKeys,
    IReadOnlyList<IndexDescription> Indexes,
    IReadOnlyList<ReferenceDescription> ReferencedBy);

/// <summary>A result column: its output name and database type name.</summary>
public sealed record ResultColumn(string Name, string Type);

/// <summary>
/// Rows as JSON-ready cells (one <see cref="JsonElement"/> per column, in <see cref="Columns"/> order): numbers
/// that fit a double exactly, strings for wider numerics, ISO 8601 dates, cleaned and capped text, binary described.
/// </summary>
public sealed record QueryResult(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<IReadOnlyList<JsonElement>> Rows, Truncation Truncation)
{
    public int RowCount => Rows.Count;

    /// <summary>The period the rows were restricted to (dates and time zone); null when none was asked for.</summary>
    public ResolvedPeriod? Period { get; init; }
}

public sealed record DeclaredQueryCheck(string Name, bool Ok, string? Problem);

/// <summary>The verdict of --check: reached the database, what role it runs as, problems with declared statements.</summary>
public sealed record CheckReport(
    bool Ok,
    string Backend,
    string Target,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors,
    IReadOnlyList<DeclaredQueryCheck> DeclaredQueries)
{
    /// <summary>The human-readable verdict --check prints (to stderr: stdout belongs to the protocol).</summary>
    public string ToText()
    {
        var lines = new List<string> { $"{(Ok ? "OK" : "FAILED")}: {Backend} at {Target}" };
        lines.AddRange(Warnings.Select(w => "warning: " + w));
        lines.AddRange(Errors.Select(e => "error: " + e));
        lines.AddRange(DeclaredQueries.Where(d => d.Ok).Select(d => $"declared tool {d.Name}: prepared"));
        return string.Join(Environment.NewLine, lines);
    }
}
