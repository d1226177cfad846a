using System.Text.Json;

namespace McpServers.Database.Backend;

/// <summary>
/// The only code that talks to the database. Every operation runs read-only, with timeouts and caps the model cannot
/// raise; SQL is generated from the catalog (identifiers) and bound parameters (values). Input mistakes throw
/// <c>ToolInputException</c>; database failures throw <c>BackendException</c> with a safe message; cancelling the
/// token cancels the running statement (<see cref="OperationCanceledException"/>).
/// </summary>
public interface IDatabaseGateway : IAsyncDisposable
{
    /// <summary>Tables and views in the allowed schemas (denied ones are invisible). Optional schema and name-substring filters.</summary>
    Task<TableList> ListTablesAsync(string? schema = null, string? nameContains = null, CancellationToken cancellationToken = default);

    /// <summary>Columns, primary key, many-to-one foreign keys and indexes of one visible table. <paramref name="table"/> is <c>name</c> or <c>schema.name</c>.</summary>
    Task<TableDescription> DescribeTableAsync(string table, CancellationToken cancellationToken = default);

    Task<QueryResult> QueryAsync(QuerySpec spec, CancellationToken cancellationToken = default);

    Task<QueryResult> AggregateAsync(AggregateSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Runs an administrator-declared statement with the model's arguments bound as parameters.</summary>
    Task<QueryResult> RunDeclaredAsync(DeclaredQuery query, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default);

    /// <summary>For --check: connectivity, role privileges, and a prepare of every declared statement.</summary>
    Task<CheckReport> CheckAsync(IReadOnlyList<DeclaredQuery> declaredQueries, CancellationToken cancellationToken = default);
}
