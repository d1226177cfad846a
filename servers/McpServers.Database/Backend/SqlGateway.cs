using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpServers.Database.Backend;

/// <summary>
/// What both backends share: the catalog cache, the query builder, caps, paging cursors and result writing. A
/// derived gateway supplies the dialect, catalog loading and guarded execution (read-only transaction, timeouts,
/// cost gate, error mapping).
/// </summary>
public abstract class SqlGateway : IDatabaseGateway
{
    private static readonly TimeSpan CatalogLifetime = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _catalogLock = new(1, 1);
    private Catalog? _catalog;
    private DateTimeOffset _catalogLoadedAt;

    private readonly RoleWarnings _roleWarnings;

    /// <param name="onRoleWarning">Told each privilege warning once, when the account is first checked (the server puts them in the audit trail).</param>
    /// <param name="account">What the backend calls the account it connects as, for the RequireReadOnlyRole refusal.</param>
    private protected SqlGateway(DatabaseOptions options, ILogger? logger, TimeProvider? timeProvider, Action<string>? onRoleWarning = null, string account = "role")
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Logger = logger ?? NullLogger.Instance;
        Time = timeProvider ?? TimeProvider.System;
        _roleWarnings = new RoleWarnings(Logger, onRoleWarning, account);
    }

    protected DatabaseOptions Options { get; }

    protected ILogger Logger { get; }

    protected TimeProvider Time { get; }

    private protected abstract ISqlDialect Dialect { get; }

    private protected AccessPolicy Policy => field ??= new(
        Options.AllowedSchemas.Count > 0 ? Options.AllowedSchemas : [Dialect.DefaultSchema], Options.DeniedTables, Options.DeniedColumns);

    public async Task<TableList> ListTablesAsync(string? schema = null, string? nameContains = null, CancellationToken cancellationToken = default)
    {
        Catalog catalog = await GetCatalogAsync(cancellationToken);
        var tables = catalog.Tables
            .Where(t => schema is null || string.Equals(t.Schema, schema, StringComparison.OrdinalIgnoreCase))
            .Where(t => string.IsNullOrEmpty(nameContains) || t.Name.Contains(nameContains, StringComparison.OrdinalIgnoreCase))
            .Select(t => new TableSummary(t.Schema, t.Name, t.Kind, t.RowEstimate, Clean(t.Comment)))
            .ToList();
        if (schema is not null && !Policy.AllowedSchemas.Contains(schema, StringComparer.OrdinalIgnoreCase))
        {
            throw new ToolInputException($"Schema `{Describe.Input(schema)}` is not visible to this server. Schemas: {Describe.List(Policy.AllowedSchemas)}.");
        }

        int max = Options.MaxRowLimit;
        return tables.Count > max
            ? new TableList(tables.Take(max).ToList(), Truncation.Cut(max, tables.Count, null, $"at most {max} tables per listing"))
            : new TableList(tables, Truncation.None(tables.Count));
    }

    public async Task<TableDescription> DescribeTableAsync(string table, CancellationToken cancellationToken = default)
    {
        Catalog catalog = await GetCatalogAsync(cancellationToken);
        CatalogTable t = catalog.Resolve(table);
        return new TableDescription(
            t.Schema,
            t.Name,
            t.Kind,
            t.RowEstimate,
            Clean(t.Comment),
            t.Columns.Select(c => new ColumnDescription(c.Name, c.DataType, c.Nullable, Clean(c.Default), Clean(c.Comment), t.PrimaryKey.Contains(c.Name))).ToList(),
            t.PrimaryKey,
            t.ForeignKeys.Select(f => new ForeignKeyDescription(f.Relation, f.Columns, $"{f.TargetSchema}.{f.TargetTable}", f.TargetColumns)).ToList(),
            t.Indexes.Select(i => new IndexDescription(i.Name, i.Columns, i.Unique)).ToList(),
            ReferencedBy(catalog, t));
    }

    /// <summary>
    /// The visible tables whose foreign keys point at <paramref name="target"/> ("referenced by"), from the catalog the
    /// model may see: a hidden table, or a key over a column the model may not see, is never named.
    /// </summary>
    private static List<ReferenceDescription> ReferencedBy(Catalog catalog, CatalogTable target) =>
        [.. catalog.Tables
            .SelectMany(source => source.ForeignKeys
                // A key without target columns (SQLite's REFERENCES t) points at the target's primary key.
                .Select(f => (Key: f, To: f.TargetColumns.Count > 0 ? f.TargetColumns : target.PrimaryKey))
                .Where(k => k.Key.TargetSchema == target.Schema && k.Key.TargetTable == target.Name && k.To.Count > 0
                    && k.Key.Columns.All(c => source.Columns.Any(sc => sc.Name == c))
                    && k.To.All(c => target.Columns.Any(tc => tc.Name == c)))
                .Select(k => new ReferenceDescription($"{source.Schema}.{source.Name}", k.Key.Columns, k.To)))
            .OrderBy(r => r.Table, StringComparer.Ordinal)
            .Take(MaxReferencedBy)];

    private const int MaxReferencedBy = 100;

    public async Task<QueryResult> QueryAsync(QuerySpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Catalog catalog = await GetCatalogAsync(cancellationToken);
        BuiltQuery query = new QueryBuilder(catalog, Dialect, Options.DefaultRowLimit, Options.MaxRowLimit).BuildQuery(spec);
        return await RunPagedAsync(query, spec.Cursor, cancellationToken);
    }

    public async Task<QueryResult> AggregateAsync(AggregateSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Catalog catalog = await GetCatalogAsync(cancellationToken);
        ResolvedPeriod? period = null;
        if (spec.Period is { } text)
        {
            TimeZoneInfo zone = Options.ResolveTimeZone();
            DateOnly today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Time.GetUtcNow(), zone).DateTime);
            period = PeriodText.Resolve(text, today, Options.FiscalYearStartMonth, zone);
        }

        BuiltQuery query = new QueryBuilder(catalog, Dialect, Options.DefaultRowLimit, Options.MaxRowLimit).BuildAggregate(spec, period);
        QueryResult result = await RunPagedAsync(query, spec.Cursor, cancellationToken);
        return result with { Period = period };
    }

    public async Task<QueryResult> RunDeclaredAsync(DeclaredQuery query, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(arguments);
        List<SqlParameterValue> parameters = DeclaredQueries.Bind(query, arguments);
        int limit = Math.Min(query.MaxRows ?? Options.MaxRowLimit, Options.MaxRowLimit);
        string sql = DeclaredQueries.Render(query, Dialect) + Dialect.Page(limit + 1, 0);
        var writer = new ResultWriter(limit, Options.MaxCellChars, Options.MaxResponseBytes, $"row limit {limit}");
        long started = Time.GetTimestamp();
        ReadRows rows = await ExecuteAsync(new BuiltStatement(sql, parameters), (reader, ct) => writer.ReadAsync(reader, null, ct), cancellationToken);
        long elapsedMs = (long)Time.GetElapsedTime(started).TotalMilliseconds;
        Log.StatementRan(Logger, elapsedMs, rows.Rows.Count);
        Truncation truncation = rows.CutReason is null
            ? Truncation.None(rows.Rows.Count)
            : Truncation.Cut(rows.Rows.Count, null, null, rows.CutReason);
        return new QueryResult(rows.Columns, rows.Rows, truncation);
    }

    /// <summary>
    /// --check: reach the server (version), the role's privileges, that allowed schemas show tables, and a prepare
    /// of every declared statement. <c>RequireReadOnlyRole</c> turns role warnings into an error.
    /// </summary>
    public async Task<CheckReport> CheckAsync(IReadOnlyList<DeclaredQuery> declaredQueries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(declaredQueries);
        var errors = new List<string>();
        var warnings = new List<string>();
        var declared = new List<DeclaredQueryCheck>();
        IReadOnlyList<string> role = [];
        string backend = Dialect.GetType().Name;
        try
        {
            backend = await ServerVersionAsync(cancellationToken);
            role = await RoleWarningsAsync(cancellationToken);
            warnings.AddRange(role);
            Catalog catalog = await GetCatalogAsync(cancellationToken);
            if (catalog.Tables.Count == 0)
            {
                warnings.Add($"No tables are visible in the allowed schemas ({string.Join(", ", Policy.AllowedSchemas)}); check AllowedSchemas and SELECT grants.");
            }

            foreach (DeclaredQuery query in declaredQueries)
            {
                declared.Add(await PrepareDeclaredAsync(query, cancellationToken));
            }
        }
        catch (BackendException ex)
        {
            errors.Add(ex.SafeMessage ?? ex.Kind.ToString());
        }

        if (Options.RequireReadOnlyRole && role.Count > 0 && errors.Count == 0)
        {
            errors.Add("RequireReadOnlyRole is set and the database role can write; the server will refuse to serve.");
        }

        errors.AddRange(declared.Where(d => !d.Ok).Select(d => $"{d.Name}: {d.Problem}"));
        return new CheckReport(errors.Count == 0, backend, CheckTarget, warnings, errors, declared);
    }

    /// <summary>Host/database or file, for the --check verdict (no credentials).</summary>
    private protected abstract string CheckTarget { get; }

    private protected abstract Task<string> ServerVersionAsync(CancellationToken cancellationToken);

    /// <summary>Privilege warnings, checked once per gateway on first use; none where the backend has no roles.</summary>
    public Task<IReadOnlyList<string>> RoleWarningsAsync(CancellationToken cancellationToken = default) =>
        _roleWarnings.GetAsync(LoadRoleWarningsAsync, cancellationToken);

    /// <summary>Reads the account's privileges and says each way it could write; none where the backend has no roles.</summary>
    private protected virtual Task<IReadOnlyList<string>> LoadRoleWarningsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The role check runs once, on first use (it is logged either way); RequireReadOnlyRole turns its warnings into a refusal.</summary>
    private protected Task EnsureRoleAllowedAsync(CancellationToken cancellationToken) =>
        _roleWarnings.EnsureAllowedAsync(LoadRoleWarningsAsync, Options.RequireReadOnlyRole, cancellationToken);

    private protected abstract Task<DeclaredQueryCheck> PrepareDeclaredAsync(DeclaredQuery query, CancellationToken cancellationToken);

    /// <summary>The verdict on one declared query: <paramref name="prepare"/> succeeded, or the safe text of why not.</summary>
    private protected static async Task<DeclaredQueryCheck> CheckDeclaredAsync(DeclaredQuery query, Func<Task> prepare)
    {
        try
        {
            await prepare();
            return new DeclaredQueryCheck(query.Name, true, null);
        }
        catch (BackendException ex)
        {
            return new DeclaredQueryCheck(query.Name, false, ex.SafeMessage ?? ex.Kind.ToString());
        }
        catch (ToolInputException ex)
        {
            return new DeclaredQueryCheck(query.Name, false, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeCoreAsync();
        _roleWarnings.Dispose();
        _catalogLock.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected abstract ValueTask DisposeCoreAsync();

    /// <summary>Reads the raw catalog of the allowed schemas; <see cref="AccessPolicy"/> is applied afterwards.</summary>
    private protected abstract Task<IReadOnlyList<CatalogTable>> LoadCatalogAsync(IReadOnlyList<string> schemas, CancellationToken cancellationToken);

    /// <summary>Runs one statement under the backend's guards and hands the reader to <paramref name="read"/>.</summary>
    private protected abstract Task<T> ExecuteAsync<T>(BuiltStatement statement, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    private protected async Task<Catalog> GetCatalogAsync(CancellationToken cancellationToken)
    {
        await _catalogLock.WaitAsync(cancellationToken);
        try
        {
            if (_catalog is null || Time.GetUtcNow() - _catalogLoadedAt > CatalogLifetime)
            {
                AccessPolicy policy = Policy;
                await EnsureRoleAllowedAsync(cancellationToken);
                IReadOnlyList<CatalogTable> raw = await LoadCatalogAsync(policy.AllowedSchemas, cancellationToken);
                _catalog = new Catalog(raw, policy);
                _catalogLoadedAt = Time.GetUtcNow();
                Log.CatalogLoaded(Logger, Dialect.Name, _catalog.Tables.Count);
            }

            return _catalog;
        }
        finally
        {
            _catalogLock.Release();
        }
    }

    private async Task<QueryResult> RunPagedAsync(BuiltQuery query, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor page = PageCursor.Decode(query.Scope, cursor);
        string sql;
        IReadOnlyList<SqlParameterValue> parameters = query.Parameters;
        IReadOnlyList<ColumnKind>? keyKinds = null;
        if (query is { SeekKeys: { } keys, SeekHead: { } seekHead })
        {
            keyKinds = keys.Select(k => k.Kind).ToList();
            string seek = string.Empty;
            if (page.Keys is { } last)
            {
                var extended = new List<SqlParameterValue>(query.Parameters);
                using JsonDocument values = JsonDocument.Parse(last);
                seek = (query.HasWhere ? "\n  AND (" : "\nWHERE (") + SeekPaging.Condition(keys, values.RootElement, extended, Dialect) + ")";
                parameters = extended;
            }

            // A page after one whose keys had no exact form continues by offset.
            sql = seekHead + seek + query.Tail + Dialect.Page(query.Limit + 1, page.Keys is null ? page.Offset : 0);
        }
        else
        {
            sql = query.Sql + Dialect.Page(query.Limit + 1, page.Offset);
        }

        var writer = new ResultWriter(query.Limit, Options.MaxCellChars, Options.MaxResponseBytes, query.LimitReason);
        long started = Time.GetTimestamp();
        ReadRows rows = await ExecuteAsync(
            new BuiltStatement(sql, parameters) { BoundedPlan = query.KeyLookup },
            (reader, ct) => writer.ReadAsync(reader, query.Hints, ct, keyKinds),
            cancellationToken);
        long elapsedMs = (long)Time.GetElapsedTime(started).TotalMilliseconds;
        Log.StatementRan(Logger, elapsedMs, rows.Rows.Count);
        if (rows.CutReason is null)
        {
            return new QueryResult(query.Columns, rows.Rows, Truncation.None(rows.Rows.Count));
        }

        long? total = page.Total ?? await CountIfCheapAsync(query, cancellationToken);
        string? nextKeys = keyKinds is not null && rows.LastKey is { Length: <= PageCursor.MaxKeyBytes } ? rows.LastKey : null;
        string next = new PageCursor(page.Offset + rows.Rows.Count, total, nextKeys).Encode(query.Scope);
        string reason = nextKeys is null
            ? rows.CutReason + "; pages are positional, so rows inserted or deleted between calls can shift them"
            : rows.CutReason;
        return new QueryResult(query.Columns, rows.Rows, Truncation.Cut(rows.Rows.Count, total, next, reason));
    }

    /// <summary>
    /// The number of rows (or groups) a cut result was cut from, when counting is cheap (a tenth of the cost budget);
    /// null, "unknown", when it is not. Asked once, on the first cut page; the cursor carries it on.
    /// </summary>
    private async Task<long?> CountIfCheapAsync(BuiltQuery query, CancellationToken cancellationToken)
    {
        if (query.CountSql is null)
        {
            return null;
        }

        try
        {
            return await ExecuteAsync(
                new BuiltStatement(query.CountSql, query.Parameters) { CheapOnly = true, BoundedPlan = query.KeyLookup },
                async (reader, ct) => await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) : (long?)null,
                cancellationToken);
        }
        catch (BackendException ex) when (ex.Kind is BackendErrorKind.TooExpensive or BackendErrorKind.TimedOut)
        {
            return null;
        }
    }

    private string? Clean(string? text) => text is null ? null : TextHygiene.CleanAndTruncate(text, Options.MaxCellChars);

    /// <summary>The refusal for a statement over the cost gate; tells the model how to narrow it.</summary>
    private protected static BackendException TooExpensive(string measure) => new(
        BackendErrorKind.TooExpensive,
        $"The query was refused because it would be too expensive ({measure}). Narrow it: add filters (ideally on key, indexed or date columns), group by fewer or coarser columns (month instead of day), or ask for a smaller limit.");

    private protected BackendException Timeout() => new(
        BackendErrorKind.TimedOut,
        $"The query exceeded the {Options.StatementTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s statement timeout and was stopped. Add a filter (a narrower date range or a key column), request fewer rows or groups, then retry.");
}
