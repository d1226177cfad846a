using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Crm.Tests.Fakes;

/// <summary>
/// A loopback Salesforce org following the documented REST shapes (docs/research/crm-vendor-shapes.md, part A):
/// describe with picklists and createable/updateable flags, SOQL query with a small real evaluator
/// (FakeSalesforce.Soql.cs: filters, LIKE, IN, aggregates with expr0…, ORDER BY, LIMIT, nextRecordsUrl batches),
/// sObject create (201 <c>{id,success,errors}</c>) and update (204), UserInfo, the error arrays, and
/// <c>Sforce-Limit-Info</c> on every response. Every request is recorded, every SOQL text in <see cref="Queries"/>.
/// <para>Seeded org (single currency USD unless <see cref="MultiCurrency"/>): accounts Acme, Globex, Initech, a name full
/// of SOQL metacharacters, and one the user cannot see (<see cref="HiddenAccountId"/>); contacts; opportunities whose
/// won/pipeline totals over 2026-Q4 are known (see the constants); tasks and an event on Acme. The describe leaves out
/// Account.Website (hidden by field-level security) and has fields the default allowlist does not name (Secret__c).</para>
/// </summary>
public sealed partial class FakeSalesforce : IAsyncDisposable
{
    public const string AccessToken = "00DFAKE000000000001!AQfake-salesforce-access-token-c4n4ry";
    public const string ApiVersion = "v62.0";

    // ---- the seeded org ----------------------------------------------------------------------------------------

    public static readonly string MyUserId = Id("005", 1);
    public static readonly string OtherUserId = Id("005", 2);
    public static readonly string AcmeId = Id("001", 1);
    public static readonly string GlobexId = Id("001", 2);
    public static readonly string InitechId = Id("001", 3);
    public static readonly string QuotesId = Id("001", 4);
    public static readonly string HiddenAccountId = Id("001", 5);
    public static readonly string JaneId = Id("003", 1);
    public static readonly string JohnId = Id("003", 2);
    public static readonly string HansId = Id("003", 3);
    public static readonly string AcmeRenewalId = Id("006", 1);

    /// <summary>A name made of SOQL metacharacters: quote, backslash, percent, underscore.</summary>
    public const string QuotesName = @"O'Brien \ Sons 100%_Legit";

    /// <summary>Won amounts with a close date in 2026-Q4 (2026-10-01 up to 2027-01-01), by account.</summary>
    public const decimal AcmeWonQ4 = 150_000m;
    public const decimal GlobexWonQ4 = 120_000m;
    public const decimal InitechWonQ4 = 30_000m;

    /// <summary>Open amounts with a close date in 2026-Q4.</summary>
    public const decimal InitechPipelineQ4 = 200_000m;
    public const decimal AcmePipelineQ4 = 70_000m;

    private readonly LoopbackHttpServer _server = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentDictionary<string, List<Row>> _pages = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _created = 100;
    private int _locators;

    private FakeSalesforce()
    {
        Seed();
        var routes = _server.Routes;
        string data = "/services/data/" + ApiVersion;
        routes.MapGet("/services/oauth2/userinfo", () => Json(new JsonObject
        {
            ["sub"] = $"{BaseUrl}id/00DFAKE000000000001/{MyUserId}",
            ["user_id"] = MyUserId,
            ["organization_id"] = "00DFAKE000000000001",
            ["preferred_username"] = "jane.rep@acme.example",
            ["name"] = UserName,
            ["email"] = "jane.rep@acme.example",
            ["active"] = true,
        }));
        routes.MapGet(data + "/sobjects/{name}/describe", (string name) =>
            DescribeOverrides.TryRemove(name, out string? raw) ? Results.Content(raw, "application/json")
            : Describe(name) is { } describe ? Json(describe) : Error(404, "NOT_FOUND", "The requested resource does not exist"));
        routes.MapGet(data + "/query", (HttpRequest request) => Query(request.Query["q"].ToString()));
        routes.MapGet(data + "/query/{locator}", (string locator) => QueryMore(locator));
        routes.MapPost(data + "/sobjects/{name}/", async (string name, HttpRequest request) =>
            Create(name, (await JsonNode.ParseAsync(request.Body))!.AsObject()));
        routes.MapPatch(data + "/sobjects/{name}/{id}", async (string name, string id, HttpRequest request) =>
            Update(name, id, (await JsonNode.ParseAsync(request.Body))!.AsObject()));
    }

    // ---- test switches -----------------------------------------------------------------------------------------

    /// <summary>Records per query batch before <c>nextRecordsUrl</c> (Salesforce: 200 to 2,000).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Adds CurrencyIsoCode to Account and Opportunity (describe and records), as multi-currency orgs have.</summary>
    public bool MultiCurrency { get; set; }

    public int FiscalYearStartMonth { get; set; } = 2;

    public string CorporateCurrency { get; set; } = "USD";

    /// <summary>Queries on Organization answer 403 INSUFFICIENT_ACCESS_OR_READONLY (a user without "View Setup").</summary>
    public bool OrganizationHidden { get; set; }

    /// <summary>What <c>Sforce-Limit-Info: api-usage=Used/Limit</c> says on every response.</summary>
    public long UsageUsed { get; set; } = 120;

    public long UsageLimit { get; set; } = 15_000;

    /// <summary>Raw JSON answered once to the describe of an object (a proxy's or a broken org's answer).</summary>
    public ConcurrentDictionary<string, string> DescribeOverrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Sent as <c>nextRecordsUrl</c> instead of the real locator (a hostile or broken org).</summary>
    public string? NextRecordsUrlOverride { get; set; }

    /// <summary>Every request answers 401 INVALID_SESSION_ID (expired or revoked session).</summary>
    public bool RejectSession { get; set; }

    public string UserName { get; set; } = "Jane Rep";

    /// <summary>Access tokens the fake accepts (the sign-in part adds the ones its token endpoint issues).</summary>
    public ConcurrentDictionary<string, bool> AcceptedTokens { get; } = new(StringComparer.Ordinal) { [AccessToken] = true };

    /// <summary>The next request whose path contains <paramref name="pathContains"/> answers with Salesforce's error array.</summary>
    public void FailNext(int status, string errorCode, string message, string[]? fields = null, string pathContains = "/services/data/") =>
        _faults.Enqueue(new Fault(status, errorCode, message, fields, pathContains));

    // ---- what was received -------------------------------------------------------------------------------------

    public Uri BaseUrl => _server.BaseAddress;

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The raw <c>q</c> of every query received, in order.</summary>
    public IReadOnlyList<string> Queries => [.. Requests.Where(r => r.Path.EndsWith("/query", StringComparison.Ordinal))
        .Select(r => Uri.UnescapeDataString(r.RawQuery.TrimStart('?').Split('&').First(p => p.StartsWith("q=", StringComparison.Ordinal))[2..].Replace('+', ' ')))];

    /// <summary>Bodies of creates and updates, by object: (method, path, body).</summary>
    public IReadOnlyList<RecordedRequest> Writes => [.. Requests.Where(r => r.Method is "POST" or "PATCH" && r.Path.Contains("/sobjects/", StringComparison.Ordinal))];

    /// <summary>The settings a server needs to use this fake (Crm:Provider, Salesforce:InstanceUrl, Salesforce:AccessToken).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Crm:Provider"] = "Salesforce",
        ["Salesforce:InstanceUrl"] = BaseUrl.ToString(),
        ["Salesforce:AccessToken"] = AccessToken,
        ["Salesforce:Http:MaxRetries"] = "0",
    };

    public static async Task<FakeSalesforce> StartAsync(CancellationToken cancellationToken)
    {
        var fake = new FakeSalesforce();
        fake._server.App.Use(fake.GuardAsync);
        await fake._server.StartAsync(cancellationToken);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // ---- every request: limit header, session, faults --------------------------------------------------------

    private async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers["Sforce-Limit-Info"] = string.Create(CultureInfo.InvariantCulture, $"api-usage={UsageUsed}/{UsageLimit}; api-bursts=0/750");
        string path = context.Request.Path.Value ?? "";
        string auth = context.Request.Headers.Authorization.ToString();
        bool known = auth.StartsWith("Bearer ", StringComparison.Ordinal) && AcceptedTokens.ContainsKey(auth["Bearer ".Length..]);
        if (path.StartsWith("/services/data/", StringComparison.Ordinal) || path == "/services/oauth2/userinfo")
        {
            if (RejectSession || !known)
            {
                await Error(401, "INVALID_SESSION_ID", "Session expired or invalid").ExecuteAsync(context);
                return;
            }

            if (!path.StartsWith("/services/data/" + ApiVersion + "/", StringComparison.Ordinal) && path.StartsWith("/services/data/", StringComparison.Ordinal))
            {
                await Error(404, "NOT_FOUND", "The requested resource does not exist").ExecuteAsync(context);
                return;
            }

            if (_faults.TryPeek(out Fault? fault) && path.Contains(fault.PathContains, StringComparison.Ordinal) && _faults.TryDequeue(out fault))
            {
                await Error(fault.Status, fault.ErrorCode, fault.Message, fault.Fields).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }

    // ---- sObjects: describe, create, update -------------------------------------------------------------------

    private JsonObject? Describe(string name)
    {
        if (!Schemas.TryGetValue(name, out FieldSpec[]? fields))
        {
            return null;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["label"] = name,
            ["labelPlural"] = name + "s",
            ["keyPrefix"] = KeyPrefixes.GetValueOrDefault(name),
            ["queryable"] = true,
            ["createable"] = true,
            ["updateable"] = true,
            ["custom"] = false,
            ["fields"] = new JsonArray([.. FieldsOf(name).Select(f => (JsonNode)f.ToJson())]),
            ["childRelationships"] = new JsonArray(),
            ["recordTypeInfos"] = new JsonArray(),
            ["urls"] = new JsonObject { ["describe"] = $"/services/data/{ApiVersion}/sobjects/{name}/describe" },
        };
    }

    private IEnumerable<FieldSpec> FieldsOf(string objectName) =>
        Schemas[objectName].Concat(MultiCurrency && objectName is "Account" or "Opportunity"
            ? [new FieldSpec("CurrencyIsoCode", "Currency", "picklist", 3, Picklist: ["USD", "EUR", "GBP"])]
            : []);

    private IResult Create(string name, JsonObject body)
    {
        if (!Schemas.ContainsKey(name))
        {
            return Error(404, "NOT_FOUND", "The requested resource does not exist");
        }

        if (body.ContainsKey("Id"))
        {
            return Error(400, "INVALID_FIELD", "The Id field should not be specified in the sobject data.");
        }

        if (Check(name, body, create: true) is { } refused)
        {
            return refused;
        }

        string id = Id(KeyPrefixes[name], Interlocked.Increment(ref _created));
        var row = new Row(name, id);
        foreach ((string key, JsonNode? value) in body)
        {
            row.Values[key] = Scalar(value);
        }

        lock (_gate)
        {
            Rows.Add(row);
        }

        return Results.Json(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() }, statusCode: 201);
    }

    private IResult Update(string name, string id, JsonObject body)
    {
        Row? row;
        lock (_gate)
        {
            row = Rows.FirstOrDefault(r => r.Object == name && r.Visible && string.Equals(r.Id[..15], id[..Math.Min(15, id.Length)], StringComparison.Ordinal));
        }

        if (row is null)
        {
            return Error(404, "NOT_FOUND", "The requested resource does not exist");
        }

        if (Check(name, body, create: false) is { } refused)
        {
            return refused;
        }

        foreach ((string key, JsonNode? value) in body)
        {
            row.Values[key] = Scalar(value);
        }

        return Results.NoContent();
    }

    /// <summary>Field existence and permissions as Salesforce checks them, plus a validation rule: no "fail validation" text.</summary>
    private IResult? Check(string name, JsonObject body, bool create)
    {
        foreach ((string key, JsonNode? value) in body)
        {
            if (FieldsOf(name).FirstOrDefault(f => f.Name == key) is not { } field)
            {
                return Error(400, "INVALID_FIELD", $"No such column '{key}' on sobject of type {name}");
            }

            if (create ? !field.Createable : !field.Updateable)
            {
                return Error(400, "INVALID_FIELD_FOR_INSERT_UPDATE", $"Unable to create/update fields: {key}.", [key]);
            }

            if (value is JsonValue v && v.TryGetValue(out string? text) && text == "fail validation")
            {
                return Error(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Next step must say who does what\u202E by when", [key]);
            }
        }

        return null;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /// <summary>An 18-character id: prefix, a padded number, and the case checksum (computed here independently of the server).</summary>
    public static string Id(string prefix, int n)
    {
        string id15 = prefix + "Fk" + n.ToString("D10", CultureInfo.InvariantCulture);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        char[] suffix = new char[3];
        for (int chunk = 0; chunk < 3; chunk++)
        {
            int bits = 0;
            for (int i = 0; i < 5; i++)
            {
                char c = id15[(chunk * 5) + i];
                bits += c is >= 'A' and <= 'Z' ? 1 << i : 0;
            }

            suffix[chunk] = Alphabet[bits];
        }

        return id15 + new string(suffix);
    }

    private static object? Scalar(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<decimal>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => value.ToJsonString(),
    };

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    /// <summary>Salesforce's error body: a JSON array of <c>{"message","errorCode","fields"?}</c>.</summary>
    private static IResult Error(int status, string errorCode, string message, string[]? fields = null)
    {
        var error = new JsonObject { ["message"] = message, ["errorCode"] = errorCode };
        if (fields is not null)
        {
            error["fields"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]);
        }

        return Results.Content(new JsonArray(error).ToJsonString(), "application/json", statusCode: status);
    }

    private sealed record Fault(int Status, string ErrorCode, string Message, string[]? Fields, string PathContains);

    /// <summary>One describe field. <paramref name="Reference"/> with <paramref name="Relationship"/> makes a lookup.</summary>
    private sealed record FieldSpec(string Name, string Label, string Type, int Length = 0, bool Createable = true, bool Updateable = true,
        bool Nillable = true, string[]? Picklist = null, string? Reference = null, string? Relationship = null, bool Filterable = true)
    {
        public JsonObject ToJson() => new()
        {
            ["name"] = Name,
            ["label"] = Label,
            ["type"] = Type,
            ["length"] = Length,
            ["createable"] = Createable,
            ["updateable"] = Updateable,
            ["nillable"] = Nillable,
            ["filterable"] = Filterable,
            ["groupable"] = Type is not ("textarea" or "currency"),
            ["sortable"] = true,
            ["aggregatable"] = true,
            ["custom"] = Name.EndsWith("__c", StringComparison.Ordinal),
            ["restrictedPicklist"] = false,
            ["picklistValues"] = new JsonArray([.. (Picklist ?? []).Select(v => (JsonNode)new JsonObject
            {
                ["active"] = true, ["defaultValue"] = false, ["label"] = v, ["value"] = v, ["validFor"] = null,
            })]),
            ["referenceTo"] = new JsonArray([.. (Reference is null ? [] : Reference.Split(',')).Select(r => (JsonNode)r)]),
            ["relationshipName"] = Relationship,
        };
    }

    /// <summary>A record: its object, id, whether the user can see it (sharing), and its field values.</summary>
    private sealed class Row(string objectName, string id, bool visible = true)
    {
        public string Object { get; } = objectName;
        public string Id { get; } = id;
        public bool Visible { get; } = visible;
        public Dictionary<string, object?> Values { get; } = new(StringComparer.OrdinalIgnoreCase) { ["Id"] = id };

        /// <summary>The record as a query returns it (selected fields only).</summary>
        public JsonObject? Output { get; init; }

        public object? SortKey { get; init; }
    }
}
