using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpServers.Crm.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using static McpServers.Crm.Backend.Salesforce.SalesforceFieldValues;
using static McpServers.Crm.Backend.Salesforce.SalesforceRecords;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// Salesforce over its REST API as the signed-in user, so the org's sharing rules and field-level security apply to
/// every answer. Queries are SOQL built by <see cref="SoqlQuery"/> from structured filters on describe ∩ allowlist;
/// records are read as untrusted data (ids checked by shape, text cleaned and capped). <c>Sforce-Limit-Info</c> is read
/// from every response into <see cref="Usage"/>; past <see cref="CrmOptions.RefuseAtUsageShare"/> searches, rankings
/// and writes are refused here while single-record reads and describe still work.
/// </summary>
internal sealed class SalesforceGateway(
    HttpClient http,
    ISalesforceInstance instance,
    SalesforceOptions options,
    CrmOptions crm,
    TimeProvider time,
    Action<string> downstreamKnown,
    Action<string?, string?> identityKnown,
    ILogger<SalesforceGateway> logger) : ICrmGateway
{
    private const string System = "Salesforce";
    private const int MaxOffset = 2000;


    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<SObjectSchema>> _schemas = new(StringComparer.Ordinal);
    private Task<SfUserInfo>? _user;
    private Task<OrganizationInfo>? _organization;
    private ApiUsage? _usage;

    public string Provider => "Salesforce";

    public ApiUsage? Usage => Volatile.Read(ref _usage);

    public async Task<RecordPage<AccountSummary>> SearchAccountsAsync(AccountFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseIfOverLimit();
        SoqlQuery query = new SoqlQuery(await SchemaAsync(SalesforceObjects.Account, cancellationToken))
            .Select("Id", "Name").SelectAllowed("Industry", "Type", "BillingCountry", "AnnualRevenue", "CurrencyIsoCode", "OwnerId", "Owner.Name");
        if (filter.NameContains is { Length: > 0 } name)
        {
            query.WhereContains("Name", name);
        }

        query.WhereIn("Industry", filter.Industries).WhereIn("Type", filter.Types);
        if (filter.Country is { Length: > 0 } country)
        {
            query.Where("BillingCountry", "=", country);
        }

        query.WhereAmountRange("AnnualRevenue", filter.AnnualRevenue);
        await WhereOwnerAsync(query, filter.Owner, cancellationToken);
        query.OrderBy("Name");
        string? currency = await OrganizationCurrencyAsync(cancellationToken);
        Uri root = await InstanceAsync(cancellationToken);
        return await PageAsync("accounts", query, page, r => Account(r, currency, root), cancellationToken);
    }

    public async Task<AccountDetail> GetAccountAsync(string accountId, AccountDetailRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string id = SalesforceId.Parse(accountId, "account_id");
        SObjectSchema schema = await SchemaAsync(SalesforceObjects.Account, cancellationToken);
        string[] extra = [.. request.Fields.Select(f => schema.Field(f).Name!).Distinct(StringComparer.Ordinal)];
        SoqlQuery query = new SoqlQuery(schema)
            .Select("Id", "Name").SelectAllowed("Industry", "Type", "BillingCountry", "AnnualRevenue", "CurrencyIsoCode", "OwnerId", "Owner.Name")
            .Select(extra).Where("Id", "=", id).Limit(1);
        SfQueryResult result = await QueryAsync(query.ToString(), cancellationToken);
        string? currency = await OrganizationCurrencyAsync(cancellationToken);
        Uri root = await InstanceAsync(cancellationToken);
        if (result.Records is not [{ ValueKind: JsonValueKind.Object } record, ..] || Account(record, currency, root) is not { } account)
        {
            throw new BackendException(BackendErrorKind.NotFound, NotVisible($"Account {id}"));
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string field in extra)
        {
            fields[field] = FieldText(record, field, crm.MaxTextChars);
        }

        ContactSummary[] contacts = request.Contacts > 0 && options.Objects.Contains(SalesforceObjects.Contact)
            ? [.. await RelatedAsync(ContactQuery(await SchemaAsync(SalesforceObjects.Contact, cancellationToken))
                .Where("AccountId", "=", id).OrderBy("Name").Limit(request.Contacts), r => Contact(r, root), cancellationToken)]
            : [];
        OpportunitySummary[] opportunities = request.OpenOpportunities > 0 && options.Objects.Contains(SalesforceObjects.Opportunity)
            ? [.. await RelatedAsync(OpportunityQuery(await SchemaAsync(SalesforceObjects.Opportunity, cancellationToken))
                .Where("AccountId", "=", id).Where("IsClosed", "=", false).OrderBy("CloseDate").Limit(request.OpenOpportunities),
                r => Opportunity(r, currency, root), cancellationToken)]
            : [];
        bool activitiesAllowed = options.Objects.Contains(SalesforceObjects.Task) || options.Objects.Contains(SalesforceObjects.Event);
        IReadOnlyList<ActivityInfo> activities = request.Activities > 0 && activitiesAllowed
            ? (await ActivitiesAsync(id, [], 0, request.Activities, cancellationToken)).Records
            : [];
        return new AccountDetail(account, fields, contacts, opportunities, activities);
    }

    public async Task<RecordPage<ContactSummary>> SearchContactsAsync(ContactFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseIfOverLimit();
        SoqlQuery query = ContactQuery(await SchemaAsync(SalesforceObjects.Contact, cancellationToken));
        if (filter.NameContains is { Length: > 0 } name)
        {
            query.WhereContains("Name", name);
        }

        if (filter.Email is { Length: > 0 } email)
        {
            query.Where("Email", "=", email);
        }

        if (filter.AccountId is { } accountId)
        {
            query.Where("AccountId", "=", SalesforceId.Parse(accountId, "account_id"));
        }

        if (filter.TitleContains is { Length: > 0 } title)
        {
            query.WhereContains("Title", title);
        }

        await WhereOwnerAsync(query, filter.Owner, cancellationToken);
        query.OrderBy("Name");
        Uri root = await InstanceAsync(cancellationToken);
        return await PageAsync("contacts", query, page, r => Contact(r, root), cancellationToken);
    }

    public async Task<RecordPage<OpportunitySummary>> SearchOpportunitiesAsync(OpportunityFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseIfOverLimit();
        SoqlQuery query = OpportunityQuery(await SchemaAsync(SalesforceObjects.Opportunity, cancellationToken))
            .WhereIn("StageName", filter.Stages);
        _ = filter.Status switch
        {
            OpportunityStatus.Open => query.Where("IsClosed", "=", false),
            OpportunityStatus.Won => query.Where("IsWon", "=", true),
            OpportunityStatus.Lost => query.Where("IsClosed", "=", true).Where("IsWon", "=", false),
            _ => query,
        };
        query.WhereDateRange("CloseDate", filter.CloseDate).WhereAmountRange("Amount", filter.Amount);
        if (filter.AccountId is { } accountId)
        {
            query.Where("AccountId", "=", SalesforceId.Parse(accountId, "account_id"));
        }

        await WhereOwnerAsync(query, filter.Owner, cancellationToken);
        query.OrderBy("CloseDate", descending: true);
        string? currency = await OrganizationCurrencyAsync(cancellationToken);
        Uri root = await InstanceAsync(cancellationToken);
        return await PageAsync("opportunities", query, page, r => Opportunity(r, currency, root), cancellationToken);
    }

    public async Task<AccountRanking> TopAccountsAsync(RankingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RefuseIfOverLimit();
        // One aggregate: SUM and COUNT are unaliased, so Salesforce names them expr0 and expr1 (Apex Developer Guide,
        // "Working with SOQL Aggregate Functions").
        SoqlQuery query = new SoqlQuery(await SchemaAsync(SalesforceObjects.Opportunity, cancellationToken))
            .Select("AccountId", "Account.Name").SelectAggregate("SUM", "Amount").SelectAggregate("COUNT", "Id")
            .WhereNotNull("AccountId");
        _ = request.RankBy == RankBy.Won
            ? query.Where("IsWon", "=", true).Where("IsClosed", "=", true)
            : query.Where("IsClosed", "=", false);
        query.WhereDateRange("CloseDate", request.Period);
        await WhereOwnerAsync(query, request.Owner, cancellationToken);
        query.GroupBy("AccountId", "Account.Name").OrderByAggregate("SUM", "Amount", descending: true).Limit(request.Limit);
        string soql = query.ToString();
        SfQueryResult result = await QueryAsync(soql, cancellationToken);
        // Aggregates of a currency field come in the org's corporate currency (multi-currency orgs convert). [unverified]
        string? currency = await OrganizationCurrencyAsync(cancellationToken);
        var ranked = new List<RankedAccount>();
        long scanned = 0;
        foreach (JsonElement row in result.Records ?? [])
        {
            if (!SalesforceId.TryParse(Str(row, "AccountId"), out string? accountId))
            {
                continue;
            }

            int count = (int)Math.Clamp(Number(row, "expr1") ?? 0, 0, int.MaxValue);
            scanned += count;
            string name = Line(Str(row, "Name") ?? RelatedName(row, "Account") ?? accountId);
            ranked.Add(new RankedAccount(ranked.Count + 1, accountId, name, new Money(Number(row, "expr0") ?? 0, currency), count));
            if (ranked.Count == request.Limit)
            {
                break;
            }
        }

        return new AccountRanking(soql, ranked, scanned, CapReached: false, CapNotice: null);
    }

    public Task<RecordPage<ActivityInfo>> ListActivitiesAsync(string recordId, ActivityFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        RefuseIfOverLimit();
        string id = SalesforceId.Parse(recordId, "record_id");
        string scope = "salesforce:activities:" + id + ":" + string.Join(",", filter.Kinds.Order());
        int offset = page.Cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(scope, page.Cursor), CultureInfo.InvariantCulture);
        return ActivitiesAsync(id, filter.Kinds, offset, page.Size, cancellationToken, scope);
    }

    public async Task<ObjectDescription> DescribeObjectAsync(CrmObjectKind kind, CancellationToken cancellationToken)
    {
        SObjectSchema schema = await SchemaAsync(SalesforceObjects.Of(kind), cancellationToken);
        var writable = schema.WritableFields.Where(f => f.Createable || f.Updateable).ToDictionary(f => f.Name!, StringComparer.Ordinal);
        FieldInfo[] fields =
        [
            .. schema.Fields.Select(f => Info(f, f.Filterable, writable.ContainsKey(f.Name!))),
            .. writable.Values.Where(f => !schema.Has(f.Name!)).Select(f => Info(f, filterable: false, writable: true)),
        ];
        return new ObjectDescription(kind.ToString().ToLowerInvariant(), schema.Name, schema.Label, fields);
    }

    public async Task<int?> FiscalYearStartMonthAsync(CancellationToken cancellationToken) =>
        (await OrganizationAsync(cancellationToken)).FiscalYearStartMonth;

    public async Task<IReadOnlyList<FieldValue>> CheckWriteAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields,
        CancellationToken cancellationToken) =>
        (await CheckedAsync(SalesforceObjects.Of(kind), fields, create: null, cancellationToken)).Values;

    public async Task<RecordWritten> CreateRecordAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields,
        CancellationToken cancellationToken)
    {
        string objectName = SalesforceObjects.Of(kind);
        (_, JsonObject body) = await CheckedAsync(objectName, fields, create: true, cancellationToken);
        return await CreateAsync(objectName, body, cancellationToken);
    }

    public async Task<RecordWritten> UpdateRecordAsync(CrmObjectKind kind, string recordId, IReadOnlyDictionary<string, JsonElement> fields,
        CancellationToken cancellationToken)
    {
        string objectName = SalesforceObjects.Of(kind);
        string id = SalesforceId.Parse(recordId, "record_id");
        (_, JsonObject body) = await CheckedAsync(objectName, fields, create: false, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Patch, await ApiAsync($"sobjects/{objectName}/{id}", cancellationToken))
        {
            Content = Json(body),
        };
        using HttpResponseMessage response = await SendAsync(request, $"{objectName} {id}", cancellationToken);
        return new RecordWritten(objectName, id, RecordUrl(await InstanceAsync(cancellationToken), objectName, id));
    }

    public async Task<RecordWritten> LogActivityAsync(NewActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        RefuseIfOverLimit();
        string id = SalesforceId.Parse(activity.RecordId, "record_id");
        if (string.IsNullOrWhiteSpace(activity.Subject) || activity.Subject.Any(char.IsControl))
        {
            throw new ToolInputException("`subject` must be one line of text.");
        }

        bool meeting = activity.Kind == ActivityKind.Meeting;
        string objectName = meeting ? SalesforceObjects.Event : SalesforceObjects.Task;
        if (!options.Objects.Contains(objectName, StringComparer.Ordinal))
        {
            throw new ToolInputException($"Logging {(meeting ? "meetings" : "activities")} is not enabled on this server (Salesforce:Objects has no {objectName}).");
        }

        string me = await MyIdAsync(cancellationToken);
        DateTimeOffset when = activity.When ?? time.GetUtcNow();
        var body = new JsonObject
        {
            ["Subject"] = TextHygiene.Truncate(activity.Subject.Trim(), SalesforceRecords.MaxNameChars),
            ["OwnerId"] = me,
            [IsWho(id) ? "WhoId" : "WhatId"] = id,
        };
        if (activity.Body is { Length: > 0 } description)
        {
            body["Description"] = TextHygiene.Truncate(description, 32_000);
        }

        if (meeting)
        {
            body["StartDateTime"] = DateTimeText(when);
            body["DurationInMinutes"] = activity.DurationMinutes ?? 30;
        }
        else
        {
            body["TaskSubtype"] = activity.Kind switch
            {
                ActivityKind.Call => "Call",
                ActivityKind.Email => "Email",
                _ => "Task",
            };
            body["Status"] = activity.Kind == ActivityKind.Task && activity.When is { } due && due > time.GetUtcNow() ? "Not Started" : "Completed";
            body["ActivityDate"] = DateOnly.FromDateTime(when.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (activity.Kind == ActivityKind.Call && activity.DurationMinutes is { } minutes)
            {
                body["CallDurationInSeconds"] = minutes * 60;
            }
        }

        return await CreateAsync(objectName, body, cancellationToken);
    }

    public async Task<CrmCheck> CheckAsync(CancellationToken cancellationToken)
    {
        Uri root = await InstanceAsync(cancellationToken);
        SfUserInfo user = await UserAsync(cancellationToken);
        // Describing an allowed object proves the API version and the user's access to the data API.
        await SchemaAsync(options.Objects.Count > 0 ? options.Objects[0] : SalesforceObjects.Account, cancellationToken);
        return new CrmCheck(Provider, root.Host, Line(user.Name ?? user.PreferredUsername ?? user.UserId ?? "(unnamed user)"), options.ApiVersion);
    }

    // ---- queries and paging -------------------------------------------------------------------------------------

    private static SoqlQuery ContactQuery(SObjectSchema schema) => new SoqlQuery(schema)
        .Select("Id", "Name").SelectAllowed("Title", "Email", "Phone", "AccountId", "Account.Name", "OwnerId", "Owner.Name");

    private static SoqlQuery OpportunityQuery(SObjectSchema schema) => new SoqlQuery(schema)
        .Select("Id", "Name").SelectAllowed("StageName", "IsClosed", "IsWon", "Amount", "CurrencyIsoCode", "CloseDate", "AccountId", "Account.Name",
            "OwnerId", "Owner.Name");

    private async Task WhereOwnerAsync(SoqlQuery query, string? owner, CancellationToken cancellationToken)
    {
        if (owner is { Length: > 0 })
        {
            query.Where("OwnerId", "=", owner.Equals("me", StringComparison.OrdinalIgnoreCase)
                ? await MyIdAsync(cancellationToken)
                : SalesforceId.Parse(owner, "owner"));
        }
    }

    /// <summary>
    /// One page of a query. Salesforce returns batches of 200 or more (<c>Sforce-Query-Options</c> minimum); a page is a
    /// slice of a batch, so the signed cursor holds the batch (the query itself, or the <c>nextRecordsUrl</c> locator,
    /// re-read [unverified: a locator read twice]) and how many of its records were already shown.
    /// </summary>
    private async Task<RecordPage<T>> PageAsync<T>(string what, SoqlQuery query, PageRequest page, Func<JsonElement, T?> map,
        CancellationToken cancellationToken) where T : class
    {
        string soql = query.ToString();
        string scope = "salesforce:" + what + ":" + soql;
        string? locator = null;
        int skip = 0;
        if (page.Cursor is not null)
        {
            string payload = OpaqueCursor.Decode(scope, page.Cursor);
            int bar = payload.IndexOf('|', StringComparison.Ordinal);
            skip = int.Parse(payload.AsSpan(0, bar), CultureInfo.InvariantCulture);
            locator = bar == payload.Length - 1 ? null : payload[(bar + 1)..];
        }

        SfQueryResult batch = locator is null ? await QueryAsync(soql, cancellationToken) : await QueryMoreAsync(locator, cancellationToken);
        IReadOnlyList<JsonElement> records = batch.Records ?? [];
        JsonElement[] slice = [.. records.Skip(skip).Take(page.Size)];
        int shown = skip + slice.Length;
        string? next = null;
        if (slice.Length > 0 && shown < records.Count)
        {
            next = OpaqueCursor.Encode(scope, shown.ToString(CultureInfo.InvariantCulture) + "|" + locator);
        }
        else if (!batch.Done && await LocatorAsync(batch.NextRecordsUrl, cancellationToken) is { } nextLocator)
        {
            next = OpaqueCursor.Encode(scope, "0|" + nextLocator);
        }

        return new RecordPage<T>(soql, [.. slice.Select(map).OfType<T>()], batch.TotalSize, next, page.Size);
    }

    /// <summary>Records of a related list (an account's contacts, open opportunities): one query, its first batch.</summary>
    private async Task<IEnumerable<T>> RelatedAsync<T>(SoqlQuery query, Func<JsonElement, T?> map, CancellationToken cancellationToken)
        where T : class =>
        ((await QueryAsync(query.ToString(), cancellationToken)).Records ?? []).Select(map).OfType<T>();

    /// <summary>
    /// Tasks and events of a record, newest first: both queried up to offset + size (SOQL OFFSET stops at 2,000), merged
    /// by date, and the page cut here; the cursor holds the offset.
    /// </summary>
    private async Task<RecordPage<ActivityInfo>> ActivitiesAsync(string id, IReadOnlyList<ActivityKind> kinds, int offset, int size,
        CancellationToken cancellationToken, string? scope = null)
    {
        string on = IsWho(id) ? "WhoId" : "WhatId";
        int window = Math.Min(offset + size + 1, MaxOffset);
        string[] subtypes = [.. kinds.Where(k => k != ActivityKind.Meeting).Select(k => k switch
        {
            ActivityKind.Call => "Call",
            ActivityKind.Email => "Email",
            _ => "Task",
        }).Distinct(StringComparer.Ordinal)];
        bool tasks = options.Objects.Contains(SalesforceObjects.Task) && (kinds.Count == 0 || subtypes.Length > 0);
        bool events = options.Objects.Contains(SalesforceObjects.Event) && (kinds.Count == 0 || kinds.Contains(ActivityKind.Meeting));
        if (!tasks && !events)
        {
            throw new ToolInputException("Activities of those kinds are not available on this server (Salesforce:Objects).");
        }

        var queries = new List<string>();
        var found = new List<(string When, ActivityInfo Info)>();
        if (tasks)
        {
            SoqlQuery query = new SoqlQuery(await SchemaAsync(SalesforceObjects.Task, cancellationToken))
                .Select("Id").SelectAllowed("Subject", "Status", "ActivityDate", "TaskSubtype", "Description", "CreatedDate", "OwnerId", "Owner.Name")
                .Where(on, "=", id).WhereIn("TaskSubtype", subtypes).OrderBy("ActivityDate", descending: true).Limit(window);
            queries.Add(query.ToString());
            found.AddRange(((await QueryAsync(queries[^1], cancellationToken)).Records ?? []).Select(r => TaskActivity(r, crm.MaxTextChars)).OfType<(string, ActivityInfo)>());
        }

        if (events)
        {
            SoqlQuery query = new SoqlQuery(await SchemaAsync(SalesforceObjects.Event, cancellationToken))
                .Select("Id").SelectAllowed("Subject", "StartDateTime", "Description", "CreatedDate", "OwnerId", "Owner.Name")
                .Where(on, "=", id).OrderBy("StartDateTime", descending: true).Limit(window);
            queries.Add(query.ToString());
            found.AddRange(((await QueryAsync(queries[^1], cancellationToken)).Records ?? []).Select(r => EventActivity(r, crm.MaxTextChars)).OfType<(string, ActivityInfo)>());
        }

        ActivityInfo[] ordered = [.. found.OrderByDescending(a => a.When, StringComparer.Ordinal).Select(a => a.Info)];
        ActivityInfo[] shown = [.. ordered.Skip(offset).Take(size)];
        int next = offset + shown.Length;
        string? cursor = scope is not null && shown.Length > 0 && ordered.Length > next && next + size <= MaxOffset
            ? OpaqueCursor.Encode(scope, next.ToString(CultureInfo.InvariantCulture))
            : null;
        return new RecordPage<ActivityInfo>(string.Join("\n", queries), shown, null, cursor, size);
    }

    private async Task<SfQueryResult> QueryAsync(string soql, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, await ApiAsync("query?q=" + Uri.EscapeDataString(soql), cancellationToken));
        // Batches of 200, the smallest Salesforce allows (REST API Developer Guide, "Query Options Header").
        request.Headers.TryAddWithoutValidation("Sforce-Query-Options", "batchSize=200");
        return await ReadAsync(request, SalesforceJsonContext.Default.SfQueryResult, "The query", cancellationToken);
    }

    private async Task<SfQueryResult> QueryMoreAsync(string locator, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(await InstanceAsync(cancellationToken), locator));
        request.Headers.TryAddWithoutValidation("Sforce-Query-Options", "batchSize=200");
        return await ReadAsync(request, SalesforceJsonContext.Default.SfQueryResult, "The next page", cancellationToken);
    }

    /// <summary>
    /// A <c>nextRecordsUrl</c> worth following: a path under <c>/services/data/</c> of this instance (relative, or
    /// absolute on the same origin), without query or fragment. Anything else ends the paging rather than send the
    /// credentials elsewhere.
    /// </summary>
    private async Task<string?> LocatorAsync(string? nextRecordsUrl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(nextRecordsUrl) || nextRecordsUrl.Length > 1000)
        {
            return null;
        }

        Uri root = await InstanceAsync(cancellationToken);
        if (!Uri.TryCreate(root, nextRecordsUrl, out Uri? target)
            || !string.Equals(target.GetLeftPart(UriPartial.Authority), root.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            || target.Query.Length > 0 || target.Fragment.Length > 0
            || !target.AbsolutePath.StartsWith("/services/data/", StringComparison.Ordinal)
            || target.AbsolutePath.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        return target.AbsolutePath;
    }

    // ---- describe, the user, the organization ------------------------------------------------------------------

    private Task<SObjectSchema> SchemaAsync(string objectName, CancellationToken cancellationToken)
    {
        if (!options.Objects.Contains(objectName, StringComparer.Ordinal))
        {
            throw new ToolInputException($"{objectName} records are not available on this server (the administrator's Salesforce:Objects).");
        }

        lock (_gate)
        {
            if (!_schemas.TryGetValue(objectName, out Task<SObjectSchema>? schema) || schema.IsFaulted || schema.IsCanceled)
            {
                _schemas[objectName] = schema = DescribeAsync(objectName, cancellationToken);
            }

            return schema;
        }
    }

    private async Task<SObjectSchema> DescribeAsync(string objectName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, await ApiAsync($"sobjects/{objectName}/describe", cancellationToken));
        SfDescribe describe = await ReadAsync(request, SalesforceJsonContext.Default.SfDescribe, $"The {objectName} object", cancellationToken);
        string? prefix = describe.KeyPrefix is { Length: 3 } p && p.All(char.IsAsciiLetterOrDigit) ? p : null;
        // A describe without its field list is no describe (a proxy or another service answered): not cached, so the next call asks again.
        IReadOnlyList<SfField> fields = describe.Fields
            ?? throw new BackendException(BackendErrorKind.Unavailable, $"Salesforce answered the {objectName} describe without fields; check Salesforce:InstanceUrl.");
        return new SObjectSchema(objectName, Line(describe.Label ?? objectName), prefix, fields,
            options.FieldsOf(objectName), options.WriteFieldsOf(objectName));
    }

    private async Task<string> MyIdAsync(CancellationToken cancellationToken) =>
        SalesforceId.TryParse((await UserAsync(cancellationToken)).UserId, out string? id)
            ? id
            : throw new BackendException(BackendErrorKind.Unavailable, "Salesforce did not say who the signed-in user is, so 'me' cannot be used; name the owner by id.");

    private Task<SfUserInfo> UserAsync(CancellationToken cancellationToken) => Once(ref _user, () => LoadUserAsync(cancellationToken));

    private async Task<SfUserInfo> LoadUserAsync(CancellationToken cancellationToken)
    {
        // OpenID Connect UserInfo on the instance (Salesforce Help, "Query for User Information").
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(await InstanceAsync(cancellationToken), "services/oauth2/userinfo"));
        SfUserInfo user = await ReadAsync(request, SalesforceJsonContext.Default.SfUserInfo, "The signed-in user", cancellationToken);
        identityKnown(user.Name is null ? null : Line(user.Name), SalesforceId.TryParse(user.UserId, out string? id) ? id : null);
        return user;
    }

    private async Task<string?> OrganizationCurrencyAsync(CancellationToken cancellationToken) =>
        (await OrganizationAsync(cancellationToken)).Currency;

    private Task<OrganizationInfo> OrganizationAsync(CancellationToken cancellationToken) =>
        Once(ref _organization, () => LoadOrganizationAsync(cancellationToken));

    /// <summary>A value loaded once and shared; a failed or cancelled load is tried again by the next caller.</summary>
    private Task<T> Once<T>(ref Task<T>? slot, Func<Task<T>> load)
    {
        lock (_gate)
        {
            if (slot is null || slot.IsFaulted || slot.IsCanceled)
            {
                slot = load();
            }

            return slot;
        }
    }

    /// <summary>
    /// The org's fiscal year start and corporate currency, once. A fixed query with no input in it. Orgs where the user
    /// may not read Organization answer with an error: then both are unknown (and stay so), but a transient failure is
    /// not remembered.
    /// </summary>
    private async Task<OrganizationInfo> LoadOrganizationAsync(CancellationToken cancellationToken)
    {
        try
        {
            SfQueryResult result = await QueryAsync("SELECT FiscalYearStartMonth, DefaultCurrencyIsoCode FROM Organization", cancellationToken);
            JsonElement org = result.Records is [var first, ..] ? first : default;
            int? month = Number(org, "FiscalYearStartMonth") is { } m && m is >= 1 and <= 12 && m == decimal.Truncate(m) ? (int)m : null;
            return new OrganizationInfo(month, Currency(Str(org, "DefaultCurrencyIsoCode")));
        }
        catch (BackendException e) when (e.Kind is BackendErrorKind.Forbidden or BackendErrorKind.NotFound or BackendErrorKind.Invalid)
        {
            SalesforceLog.OrganizationUnreadable(logger, e.Kind);
            return new OrganizationInfo(null, null);
        }
        catch (SalesforceQueryException)
        {
            SalesforceLog.OrganizationUnreadable(logger, BackendErrorKind.Invalid);
            return new OrganizationInfo(null, null);
        }
    }

    // ---- writes ------------------------------------------------------------------------------------------------

    /// <summary>
    /// The write allowlist, describe (createable for a create, updateable for an update, either for a preview) and each
    /// value against its field's type, length and picklist; returns the preview and the body to send.
    /// </summary>
    private async Task<(IReadOnlyList<FieldValue> Values, JsonObject Body)> CheckedAsync(string objectName,
        IReadOnlyDictionary<string, JsonElement> fields, bool? create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        RefuseIfOverLimit();
        if (fields.Count == 0)
        {
            throw new ToolInputException("`fields` must name at least one field to set.");
        }

        SObjectSchema schema = await SchemaAsync(objectName, cancellationToken);
        var values = new List<FieldValue>();
        var body = new JsonObject();
        foreach ((string name, JsonElement value) in fields)
        {
            SfField field = schema.WritableField(name);
            bool allowed = create switch
            {
                true => field.Createable,
                false => field.Updateable,
                null => field.Createable || field.Updateable,
            };
            if (!allowed)
            {
                throw new ToolInputException(
                    $"{field.Name} cannot be {(create == true ? "set on new" : "changed on")} {objectName} records by you (Salesforce's field permissions).");
            }

            (JsonNode? node, string text) = WriteValue(field, value);
            body[field.Name!] = node;
            values.Add(new FieldValue(field.Name!, Line(field.Label ?? field.Name), text));
        }

        return (values, body);
    }

    private async Task<RecordWritten> CreateAsync(string objectName, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, await ApiAsync($"sobjects/{objectName}/", cancellationToken)) { Content = Json(body) };
        SfCreated created = await ReadAsync(request, SalesforceJsonContext.Default.SfCreated, $"The new {objectName}", cancellationToken);
        if (!created.Success || !SalesforceId.TryParse(created.Id, out string? id))
        {
            throw new BackendException(BackendErrorKind.Unavailable,
                $"Salesforce did not confirm the new {objectName} with a record id; look for it in Salesforce before trying again.");
        }

        return new RecordWritten(objectName, id, RecordUrl(await InstanceAsync(cancellationToken), objectName, id));
    }

    private static StringContent Json(JsonObject body) =>
        new(JsonSerializer.Serialize(body, SalesforceJsonContext.Default.JsonObject), Encoding.UTF8, "application/json");

    // ---- the send path -------------------------------------------------------------------------------------------

    private void RefuseIfOverLimit()
    {
        if (Usage is { Limit: > 0 } usage && usage.Share >= crm.RefuseAtUsageShare)
        {
            throw new BackendException(BackendErrorKind.RateLimited, string.Create(CultureInfo.InvariantCulture,
                $"The Salesforce org has used {usage.Used} of its {usage.Limit} daily API requests ({usage.Share:P0}); past {crm.RefuseAtUsageShare:P0} this server stops searches, rankings and writes. Reading a single record (crm_get_account, crm_describe_object) still works."));
        }
    }

    private async Task<Uri> InstanceAsync(CancellationToken cancellationToken)
    {
        Uri root = await instance.GetAsync(cancellationToken);
        downstreamKnown(root.Host);
        return root;
    }

    private async Task<Uri> ApiAsync(string relative, CancellationToken cancellationToken) =>
        new(await InstanceAsync(cancellationToken), $"services/data/{options.ApiVersion}/{relative}");

    private async Task<T> ReadAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(request, what, cancellationToken);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    /// <summary>The shared send path (credentials added by the client's handler) with <see cref="ErrorAsync"/> as its hook.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // The org's origin: the credential handler sends the token only there (the client has no fixed base address,
        // since the instance can come from the sign-in).
        request.Options.Set(BackendHttp.BaseAddress, await InstanceAsync(cancellationToken));
        HttpResponseMessage response = await http.SendToBackendAsync(request, System, (r, ct) => ErrorAsync(request, r, what, ct), cancellationToken);
        RecordUsage(response);
        return response;
    }

    private void RecordUsage(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues(SalesforceLimitInfo.Header, out IEnumerable<string>? values)
            && SalesforceLimitInfo.Parse(string.Join(";", values)) is { } usage)
        {
            Volatile.Write(ref _usage, usage);
        }
    }

    /// <summary>
    /// Salesforce's error array (<c>[{"message","errorCode","fields"}]</c>, REST API Developer Guide "Status Codes and
    /// Error Responses") in this server's words, by error code rather than status (the guide leaves some statuses open).
    /// Only a validation rule's message is shown to the model (it says what input to fix), cleaned and capped.
    /// </summary>
    private async Task<Exception?> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        RecordUsage(response);
        IReadOnlyList<SfError>? errors = await response.TryReadErrorJsonAsync(SalesforceJsonContext.Default.IReadOnlyListSfError, cancellationToken);
        SfError? first = errors?.FirstOrDefault(e => e is not null);
        string code = first?.ErrorCode is { Length: > 0 and <= 60 } c && c.All(ch => char.IsAsciiLetterUpper(ch) || ch == '_') ? c : "";
        SalesforceLog.Error(logger, (int)response.StatusCode, code.Length == 0 ? "-" : code, request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        if (response.StatusCode == HttpStatusCode.Unauthorized || code == "INVALID_SESSION_ID")
        {
            // Refused even after the credential renewed the session once (the shared credential handler): the sign-in
            // part says what the user should do for the way the server authenticates.
            return new BackendException(BackendErrorKind.Unauthorized, instance.SessionRefusedMessage);
        }

        switch (code)
        {
            case "REQUEST_LIMIT_EXCEEDED":
                return new BackendException(BackendErrorKind.RateLimited,
                    "The Salesforce org has used up its API request limit for now; try again later (Salesforce counts a rolling 24 hours).");
            case "INSUFFICIENT_ACCESS_OR_READONLY" or "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" or "INSUFFICIENT_ACCESS" or "API_DISABLED_FOR_ORG":
                return new BackendException(BackendErrorKind.Forbidden, "Salesforce does not let the signed-in user do this (their profile, permission sets or sharing).");
            case "FIELD_CUSTOM_VALIDATION_EXCEPTION" or "REQUIRED_FIELD_MISSING" or "STRING_TOO_LONG" or "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
                or "FIELD_INTEGRITY_EXCEPTION" or "INVALID_EMAIL_ADDRESS":
                return new ToolInputException(Rejection(errors!));
            case "MALFORMED_QUERY" or "INVALID_FIELD" or "INVALID_TYPE" or "INVALID_QUERY_FILTER_OPERATOR" or "INVALID_QUERY_LOCATOR":
                // The query was built here from describe: its refusal is this server's bug, not the model's to fix.
                SalesforceLog.QueryRefused(logger, code, TextHygiene.CleanAndTruncate(first?.Message, 500).ReplaceLineEndings(" "));
                return new SalesforceQueryException(code);
            case "NOT_FOUND" or "INVALID_ID" or "INVALID_CROSS_REFERENCE_KEY" or "ENTITY_IS_DELETED" or "MALFORMED_ID":
                return new BackendException(BackendErrorKind.NotFound, NotVisible(what));
            default:
                return response.StatusCode == HttpStatusCode.NotFound ? new BackendException(BackendErrorKind.NotFound, NotVisible(what)) : null;
        }
    }

    private static string Rejection(IReadOnlyList<SfError> errors)
    {
        string[] messages = [.. errors.Where(e => e is not null).Take(5).Select(e =>
        {
            string message = TextHygiene.CleanAndTruncate(e.Message, 300).ReplaceLineEndings(" ");
            string[] fields = [.. (e.Fields ?? []).Where(f => f is not null && SalesforceOptions.ApiNamePattern().IsMatch(f)).Take(10)];
            return fields.Length == 0 ? message : $"{message} (fields: {string.Join(", ", fields)})";
        })];
        return "Salesforce rejected the values: " + string.Join("; ", messages) + " Change the values and try again.";
    }

    private static string NotVisible(string what) => $"{what} was not found or is not visible to you in Salesforce.";

    private sealed record OrganizationInfo(int? FiscalYearStartMonth, string? Currency);
}

/// <summary>
/// Salesforce refused a query this server built (<c>MALFORMED_QUERY</c>, <c>INVALID_FIELD</c>…): a bug here, not
/// something the model can fix. Neither a backend nor an input error, so the model gets the generic message with a
/// correlation id and the details stay in the diagnostic log.
/// </summary>
internal sealed class SalesforceQueryException : Exception
{
    public SalesforceQueryException(string errorCode) : base($"Salesforce refused a query built by this server ({errorCode}).") { }

    public SalesforceQueryException() : base("Salesforce refused a query built by this server.") { }

    public SalesforceQueryException(string message, Exception innerException) : base(message, innerException) { }
}
