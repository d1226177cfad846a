using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;
using McpServers.Ticketing.Options;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>One record as the tools show it: its sys_id, number, link and the allowed fields' display values.</summary>
public sealed record SnowRecord(string SysId, string? Number, string Url, IReadOnlyDictionary<string, string> Fields);

/// <summary>A page of records and, when ServiceNow says, how many match in all.</summary>
public sealed record SnowPage(IReadOnlyList<SnowRecord> Records, int? Total);

/// <summary>A work note (internal) or additional comment (visible to the caller).</summary>
public sealed record SnowJournalEntry(string Kind, string? Author, string? Created, string Text);

public sealed record SnowJournal(IReadOnlyList<SnowJournalEntry> Entries, int? Total, string? Notice);

public sealed record SnowGroup(string Value, long Count);

public sealed record SnowCount(long Total, IReadOnlyList<SnowGroup> Groups);

public sealed record SnowWritten(string SysId, string? Number, string Url);

/// <summary>
/// ServiceNow over its documented Table and Aggregate APIs, as the configured user (basic auth for an integration user,
/// or the signed-in user by OAuth), so ServiceNow's ACLs decide what is visible. Tables are checked against the
/// allowlist before every call, and only the allowlisted fields are ever asked for (<c>sysparm_fields</c> is always set).
/// The gateway itself reads <c>sys_journal_field</c> (work notes and comments of a record it may read), <c>sys_dictionary</c> and <c>sys_db_object</c> (the fields a table has), and <c>sys_user</c>
/// (for --check); no tool can name a system table.
/// </summary>
public sealed partial class ServiceNowGateway(HttpClient http, ServiceNowOptions options, ILogger<ServiceNowGateway> logger)
{
    public const string HttpClientName = "ServiceNow";

    private const string System = "ServiceNow";
    private const int MaxFieldChars = 4000;
    private const int MaxGroups = 200;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<IReadOnlySet<string>?>> _schema = new(StringComparer.Ordinal);

    public ServiceNowOptions Options => options;

    /// <summary>
    /// The fields the tools read and filter on in <paramref name="table"/>: the administrator's allowlist intersected with
    /// the fields the table really has (its sys_dictionary entries and those of the tables it extends, e.g. incident's
    /// short_description lives on task). When the dictionary cannot be read (no role for it), the allowlist alone.
    /// </summary>
    public async Task<IReadOnlyList<string>> FieldsAsync(string table, CancellationToken cancellationToken)
    {
        IReadOnlySet<string>? known = await SchemaAsync(table, cancellationToken);
        return [.. options.ReadableFields(table).Where(f => f == "sys_id" || known is null || known.Contains(f))];
    }

    /// <summary>The fields the write tools may set in <paramref name="table"/>: the write allowlist intersected with the table's fields, as <see cref="FieldsAsync"/>.</summary>
    public async Task<IReadOnlyList<string>> WritableFieldsAsync(string table, CancellationToken cancellationToken)
    {
        IReadOnlySet<string>? known = await SchemaAsync(table, cancellationToken);
        return [.. options.Writable(table).Where(f => known is null || known.Contains(f))];
    }

    /// <summary>
    /// The table's field names from sys_dictionary, with its parents' (sys_db_object.super_class); null when not readable.
    /// Asked once per table, bounded by the HTTP client's time limits rather than one caller's cancellation; a failure
    /// is forgotten, so the next call asks again.
    /// </summary>
    private async Task<IReadOnlySet<string>?> SchemaAsync(string table, CancellationToken cancellationToken)
    {
        Task<IReadOnlySet<string>?> load = _schema.GetOrAdd(table, t => LoadSchemaAsync(t, CancellationToken.None));
        try
        {
            return await load.WaitAsync(cancellationToken);
        }
        catch (Exception) when (load.IsFaulted || load.IsCanceled)
        {
            _schema.TryRemove(new KeyValuePair<string, Task<IReadOnlySet<string>?>>(table, load));
            throw;
        }
    }

    private async Task<IReadOnlySet<string>?> LoadSchemaAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            var hierarchy = new List<string> { table };
            for (string current = table; hierarchy.Count < 10;)
            {
                using HttpResponseMessage parent = await SendAsync(HttpMethod.Get,
                    TablePath("sys_db_object", null, EncodedQuery.Equal("name", current), ["name", "super_class.name"], 1, 0, displayValues: false), null, "The table definition", cancellationToken);
                SnowRecordList rows = await parent.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordList, System, cancellationToken);
                string? super = rows.Result is [var row, ..] && row.TryGetValue("super_class.name", out JsonElement s) ? Scalar(s) : null;
                if (string.IsNullOrEmpty(super) || !ServiceNowOptions.NamePattern().IsMatch(super) || hierarchy.Contains(super))
                {
                    break;
                }

                hierarchy.Add(super);
                current = super;
            }

            using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                TablePath("sys_dictionary", null, "nameIN" + string.Join(',', hierarchy) + "^elementISNOTEMPTY", ["element"], 5000, 0, displayValues: false),
                null, "The data dictionary", cancellationToken);
            SnowRecordList fields = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordList, System, cancellationToken);
            HashSet<string> known = [.. (fields.Result ?? []).Select(r => r.TryGetValue("element", out JsonElement e) ? Scalar(e) : "").Where(f => f.Length > 0)];
            return known.Count == 0 ? null : known;
        }
        catch (BackendException e) when (e.Kind is BackendErrorKind.Forbidden or BackendErrorKind.NotFound or BackendErrorKind.Invalid)
        {
            Log.ServiceNowNoDictionary(logger, table);
            return null;
        }
    }

    /// <summary>The allowlisted table named by <paramref name="table"/>, or an input error listing the allowed ones.</summary>
    public string Table(string? table, bool forWrite = false)
    {
        string name = table?.Trim() ?? "";
        if (!options.Tables.Contains(name, StringComparer.Ordinal))
        {
            throw new ToolInputException($"`table` must be one of: {string.Join(", ", options.Tables)} (an administrator sets ServiceNow:Tables).");
        }

        if (forWrite && options.Writable(name).Count == 0)
        {
            throw new ToolInputException($"Table '{name}' is read-only on this server (ServiceNow:ReadOnlyTables / ServiceNow:WritableFields).");
        }

        return name;
    }

    public async Task<SnowPage> SearchAsync(string table, string query, int limit, int offset, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> fields = await FieldsAsync(table, cancellationToken);
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, TablePath(table, null, query, fields, limit, offset), null, "That table", cancellationToken);
        SnowRecordList list = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordList, System, cancellationToken);
        return new SnowPage([.. (list.Result ?? []).Select(r => Record(table, r, fields)).OfType<SnowRecord>()], TotalCount(response));
    }

    /// <summary>One record by number (e.g. INC0010001) or sys_id.</summary>
    public async Task<SnowRecord> GetAsync(string table, string id, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> fields = await FieldsAsync(table, cancellationToken);
        if (IsSysId(id))
        {
            using HttpResponseMessage one = await SendAsync(HttpMethod.Get, TablePath(table, id, null, fields, null, null), null, Named(table, id), cancellationToken);
            SnowRecordOne record = await one.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordOne, System, cancellationToken);
            return (record.Result is { } r ? Record(table, r, fields) : null) ?? throw NotVisible(Named(table, id));
        }

        SnowPage page = await SearchAsync(table, EncodedQuery.Equal("number", Number(id)), 1, 0, cancellationToken);
        return page.Records.Count > 0 ? page.Records[0] : throw NotVisible(Named(table, id));
    }

    /// <summary>The newest work notes and comments of a record, newest first; an ACL that hides the journal is a notice, not a failure.</summary>
    public async Task<SnowJournal> JournalAsync(string sysId, int max, CancellationToken cancellationToken)
    {
        if (max == 0)
        {
            return new SnowJournal([], null, null);
        }

        string query = EncodedQuery.Equal("element_id", sysId) + "^elementINwork_notes,comments^ORDERBYDESCsys_created_on";
        string[] fields = ["element", "value", "sys_created_on", "sys_created_by"];
        try
        {
            using HttpResponseMessage response = await SendAsync(HttpMethod.Get, TablePath("sys_journal_field", null, query, fields, max, 0), null, "The journal", cancellationToken);
            SnowRecordList list = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordList, System, cancellationToken);
            return new SnowJournal([.. (list.Result ?? []).Select(Entry)], TotalCount(response), null);
        }
        catch (BackendException e) when (e.Kind == BackendErrorKind.Forbidden)
        {
            return new SnowJournal([], null, "Work notes and comments are not visible to this user (no read access to sys_journal_field).");
        }
    }

    public async Task<SnowCount> CountAsync(string table, string query, string? groupBy, CancellationToken cancellationToken)
    {
        var path = new StringBuilder("api/now/stats/").Append(table).Append("?sysparm_count=true&sysparm_display_value=true");
        Parameter(path, "sysparm_query", query);
        Parameter(path, "sysparm_group_by", groupBy);
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path.ToString(), null, "That table", cancellationToken);
        SnowStats stats = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowStats, System, cancellationToken);
        if (stats.Result.ValueKind == JsonValueKind.Object)
        {
            return new SnowCount(Count(stats.Result), []);
        }

        if (stats.Result.ValueKind != JsonValueKind.Array)
        {
            throw new BackendException(BackendErrorKind.Unavailable, "ServiceNow gave a count this server could not read.");
        }

        var groups = new List<SnowGroup>();
        foreach (JsonElement group in stats.Result.EnumerateArray())
        {
            string value = "";
            if (group.TryGetProperty("groupby_fields", out JsonElement by) && by.ValueKind == JsonValueKind.Array && by.GetArrayLength() > 0)
            {
                JsonElement first = by[0];
                value = Scalar(first.TryGetProperty("display_value", out JsonElement display) ? display : first.TryGetProperty("value", out JsonElement raw) ? raw : default);
            }

            groups.Add(new SnowGroup(value.Length == 0 ? "(empty)" : TextHygiene.CleanAndTruncate(value, 200), Count(group)));
        }

        return new SnowCount(groups.Sum(g => g.Count), [.. groups.OrderByDescending(g => g.Count).Take(MaxGroups)]);
    }

    public async Task<SnowWritten> CreateAsync(string table, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, TablePath(table, null, null, ["sys_id", "number"], null, null), fields, "That table", cancellationToken);
        return await WrittenAsync(table, response, cancellationToken);
    }

    public async Task<SnowWritten> UpdateAsync(string table, string sysId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Patch, TablePath(table, sysId, null, ["sys_id", "number"], null, null), fields, Named(table, sysId), cancellationToken);
        return await WrittenAsync(table, response, cancellationToken);
    }

    /// <summary>--check: the user (basic auth) and one record of each table, so an ACL problem shows before the first call.</summary>
    public async Task<(string? User, IReadOnlyList<(string Table, BackendException? Failure)> Tables)> CheckAsync(CancellationToken cancellationToken)
    {
        string? user = null;
        if (options.UserName is { } name)
        {
            using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                TablePath("sys_user", null, EncodedQuery.Equal("user_name", name), ["name", "user_name"], 1, 0), null, "The user", cancellationToken);
            SnowRecordList list = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordList, System, cancellationToken);
            user = list.Result is [var me, ..] && me.TryGetValue("name", out JsonElement n) ? TextHygiene.CleanAndTruncate(Scalar(n), 200) : name;
        }

        var tables = new List<(string, BackendException?)>();
        foreach (string table in options.Tables)
        {
            try
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get, TablePath(table, null, null, ["sys_id"], 1, 0), null, $"Table {table}", cancellationToken);
                tables.Add((table, null));
            }
            catch (BackendException e) when (e.Kind is BackendErrorKind.Forbidden or BackendErrorKind.NotFound or BackendErrorKind.Invalid)
            {
                tables.Add((table, e));
            }
        }

        return (user, tables);
    }

    /// <summary>A ServiceNow sys_id: 32 lower-case hexadecimal digits.</summary>
    public static bool IsSysId(string id) => SysIdPattern().IsMatch(id);

    public string Link(string table, string sysId) => new Uri(options.InstanceUrl, $"{table}.do?sys_id={Uri.EscapeDataString(sysId)}").AbsoluteUri;

    private static string Number(string id) =>
        NumberPattern().IsMatch(id) ? id : throw new ToolInputException("`id` must be a record number such as INC0010001 or a 32-character sys_id.");

    private async Task<SnowWritten> WrittenAsync(string table, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        SnowRecordOne one = await response.ReadJsonAsync(ServiceNowJsonContext.Default.SnowRecordOne, System, cancellationToken);
        string sysId = one.Result is { } r && r.TryGetValue("sys_id", out JsonElement id) && Scalar(id) is { } s && IsSysId(s)
            ? s
            : throw new BackendException(BackendErrorKind.Unavailable, "ServiceNow accepted the write but did not say which record it wrote.");
        string? number = r.TryGetValue("number", out JsonElement n) ? Line(Scalar(n)) : null;
        return new SnowWritten(sysId, number, Link(table, sysId));
    }

    private SnowRecord? Record(string table, Dictionary<string, JsonElement> raw, IReadOnlyList<string> fields)
    {
        if (!raw.TryGetValue("sys_id", out JsonElement id) || Scalar(id) is not { } sysId || !IsSysId(sysId))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string field in fields.Where(f => f is not "sys_id" and not "number"))
        {
            // Only the allowlisted fields, whatever else ServiceNow sent.
            if (raw.TryGetValue(field, out JsonElement value) && Scalar(value) is { Length: > 0 } text)
            {
                values[field] = TextHygiene.CleanAndTruncate(text, Math.Min(options.MaxTextChars, MaxFieldChars));
            }
        }

        string? number = raw.TryGetValue("number", out JsonElement n) ? Line(Scalar(n)) : null;
        return new SnowRecord(sysId, number, Link(table, sysId), values);
    }

    private SnowJournalEntry Entry(Dictionary<string, JsonElement> raw)
    {
        string element = raw.TryGetValue("element", out JsonElement e) ? Scalar(e) : "";
        return new SnowJournalEntry(element == "work_notes" ? "work_note" : "comment",
            raw.TryGetValue("sys_created_by", out JsonElement by) ? Line(Scalar(by)) : null,
            raw.TryGetValue("sys_created_on", out JsonElement on) ? Line(Scalar(on)) : null,
            raw.TryGetValue("value", out JsonElement v) ? TextHygiene.CleanAndTruncate(Scalar(v), options.MaxTextChars) : "");
    }

    /// <summary>A field value as text: a string as is, a reference or choice object by its display value, a number or boolean as written.</summary>
    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Object when value.TryGetProperty("display_value", out JsonElement d) => Scalar(d),
        JsonValueKind.Object when value.TryGetProperty("value", out JsonElement v) => Scalar(v),
        _ => "",
    };

    private static long Count(JsonElement item) =>
        item.TryGetProperty("stats", out JsonElement stats) && stats.TryGetProperty("count", out JsonElement count)
            && long.TryParse(Scalar(count), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new BackendException(BackendErrorKind.Unavailable, "ServiceNow gave a count this server could not read.");

    private static int? TotalCount(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Total-Count", out IEnumerable<string>? values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int total) ? total : null;

    private static string? Line(string? text) => string.IsNullOrEmpty(text) ? null : TextHygiene.CleanAndTruncate(text, 200).ReplaceLineEndings(" ");

    private static string TablePath(string table, string? sysId, string? query, IReadOnlyList<string> fields, int? limit, int? offset, bool displayValues = true)
    {
        var path = new StringBuilder("api/now/table/").Append(table);
        if (sysId is not null)
        {
            path.Append('/').Append(sysId);
        }

        path.Append(displayValues ? "?sysparm_display_value=true" : "?sysparm_display_value=false").Append("&sysparm_exclude_reference_link=true");
        Parameter(path, "sysparm_fields", string.Join(',', fields));
        Parameter(path, "sysparm_query", query);
        Parameter(path, "sysparm_limit", limit?.ToString(CultureInfo.InvariantCulture));
        Parameter(path, "sysparm_offset", offset?.ToString(CultureInfo.InvariantCulture));
        return path.ToString();
    }

    private static void Parameter(StringBuilder path, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            path.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string>? body, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string>(body, StringComparer.Ordinal),
                ServiceNowJsonContext.Default.DictionaryStringString), Encoding.UTF8, "application/json");
        }
        else
        {
            request.MarkIdempotent();
        }

        return await http.SendToBackendAsync(request, System, (response, ct) => ErrorAsync(request, response, what, ct), cancellationToken);
    }

    /// <summary>
    /// ServiceNow's refusals in this server's words. The error document's message (e.g. "Invalid table") is read as data,
    /// cleaned and capped, and only for a 400, where it tells the model what to change.
    /// </summary>
    private async Task<Exception?> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        Log.ServiceNowError(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when options.OAuth is not null => new BackendException(BackendErrorKind.Unauthorized,
                "ServiceNow did not accept the signed-in user's access; if this repeats, run `mcp-ticketing login` to sign in again."),
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized,
                $"ServiceNow did not accept the configured credentials; an administrator should check {options.CredentialSettings}."),
            HttpStatusCode.Forbidden => new BackendException(BackendErrorKind.Forbidden,
                "ServiceNow's access rules (ACLs) do not let this user do that."),
            HttpStatusCode.NotFound => NotVisible(what),
            HttpStatusCode.BadRequest => new ToolInputException(
                (await response.TryReadErrorJsonAsync(ServiceNowJsonContext.Default.SnowErrorBody, cancellationToken))?.Error?.Message is { Length: > 0 } message
                    ? $"ServiceNow rejected the request: {TextHygiene.CleanAndTruncate(message, 200).ReplaceLineEndings(" ")}."
                    : "ServiceNow rejected the request as invalid; check the arguments."),
            _ => null,
        };
    }

    private static string Named(string table, string id) => $"Record {id} in {table}";

    private static BackendException NotVisible(string what) =>
        new(BackendErrorKind.NotFound, $"{what} was not found, or is not visible to this ServiceNow user.");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex SysIdPattern();

    [GeneratedRegex("^[A-Z]{2,10}[0-9]{4,12}$")]
    private static partial Regex NumberPattern();
}
