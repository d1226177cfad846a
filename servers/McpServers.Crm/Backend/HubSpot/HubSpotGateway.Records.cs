using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>A property as HubSpot describes it; <see cref="Writable"/>: HubSpot lets its value be set (not read-only, not calculated).</summary>
internal sealed record HubSpotProperty(string Name, string Label, string Type, bool Writable, IReadOnlyList<HsOption> Options)
{
    public bool IsEnumeration => Type == "enumeration";
}

/// <summary>Deal stages of every pipeline, with what their metadata says (<c>isClosed</c>, <c>probability</c>).</summary>
internal sealed class DealStages(IReadOnlyList<(string Id, string Label, OpportunityStatus Status)> stages)
{
    public OpportunityStatus? Status(string? stageId) => stages.FirstOrDefault(s => s.Id == stageId) is { Id: not null } s ? s.Status : null;

    public string? Label(string? stageId) => stages.FirstOrDefault(s => s.Id == stageId).Label;

    /// <summary>
    /// The stage ids named (by id or label, any case) and of <paramref name="status"/>; an unknown name is an input
    /// error listing the valid ones.
    /// </summary>
    public IReadOnlyList<string> Select(IReadOnlyList<string> names, OpportunityStatus? status)
    {
        var chosen = new List<(string Id, string Label, OpportunityStatus Status)>();
        foreach (string name in names)
        {
            string text = HubSpotSearch.Text(name, "stages");
            var matches = stages.Where(s => string.Equals(s.Id, text, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Label, text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new ToolInputException($"`stages`: '{text}' is not a deal stage in HubSpot; valid stages: " +
                    string.Join(", ", stages.Select(s => $"{s.Label} ({s.Id})").Distinct().Take(50)) + ".");
            }

            chosen.AddRange(matches);
        }

        IEnumerable<(string Id, string Label, OpportunityStatus Status)> pool = names.Count > 0 ? chosen : stages;
        string[] ids = [.. pool.Where(s => status is null || s.Status == status).Select(s => s.Id).Distinct(StringComparer.Ordinal)];
        return ids.Length > 0
            ? ids
            : throw new ToolInputException(names.Count > 0
                ? $"None of the given stages is {status?.ToString().ToLowerInvariant()}; leave out `stages` or `status`."
                : $"HubSpot has no {status?.ToString().ToLowerInvariant()} deal stage (pipeline stages marked closed, probability 1 for won and 0 for lost).");
    }
}

/// <summary>Where record links point and the account's currency.</summary>
internal sealed record Links(long Portal, string UiDomain, string? Currency);

internal sealed partial class HubSpotGateway
{
    /// <summary>One search page as sent and answered; <see cref="Next"/> is HubSpot's raw <c>after</c>, <see cref="NextCursor"/> the opaque one.</summary>
    private sealed record SearchResult(string Query, IReadOnlyList<HsObject> Records, long? Total, string? Next, string? NextCursor, int Size, string? Ceiling)
    {
        public RecordPage<T> Page<T>(IReadOnlyList<T> records) => new(Query, records, Total, NextCursor, Size, Ceiling);
    }

    /// <summary>A search page behind an opaque cursor bound to the query (the body without its limit and position).</summary>
    private async Task<SearchResult> SearchAsync(string type, HubSpotSearch search, HsSort sort, IReadOnlyList<string> properties, PageRequest page,
        CancellationToken cancellationToken)
    {
        string scope = "hubspot:" + type + ":" + JsonSerializer.Serialize(new HsSearchRequest(search.Groups(), [sort], properties, 0),
            HubSpotJsonContext.Default.HsSearchRequest);
        string? after = page.Cursor is null ? null : OpaqueCursor.Decode(scope, page.Cursor);
        SearchResult result = await SearchCoreAsync(type, search, sort, properties, page.Size, after, cancellationToken);
        return result with { NextCursor = result.Next is { } next ? OpaqueCursor.Encode(scope, next) : null };
    }

    /// <summary>
    /// <c>POST {objects}/{type}/search</c> from <paramref name="after"/> (a result offset as HubSpot writes it). HubSpot
    /// answers at most 10 000 results per query (a 400 beyond): the page stops there and says so.
    /// </summary>
    private async Task<SearchResult> SearchCoreAsync(string type, HubSpotSearch search, HsSort sort, IReadOnlyList<string> properties, int size, string? after,
        CancellationToken cancellationToken)
    {
        int offset = after is not null && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out int position) ? position : 0;
        int limit = Math.Min(Math.Min(Math.Max(size, 1), MaxPageSize), SearchCeiling - offset);
        var body = new HsSearchRequest(search.Groups(), [sort], properties, Math.Max(limit, 1), after);
        string query = JsonSerializer.Serialize(body, HubSpotJsonContext.Default.HsSearchRequest);
        if (limit <= 0)
        {
            return new SearchResult(query, [], null, null, null, 0, Ceiling(null));
        }

        HsPage page = await PostReadAsync($"{options.ObjectsPath}/{type}/search", body, HubSpotJsonContext.Default.HsSearchRequest,
            HubSpotJsonContext.Default.HsPage, "The search", cancellationToken);
        HsObject[] records = [.. (page.Results ?? []).Where(r => HubSpotIds.IsId(r.Id)).Take(limit)];
        string? next = page.Paging?.Next?.After is { Length: > 0 and <= 100 } n ? n : null;
        string? ceiling = null;
        if (next is not null && int.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out int nextOffset) && nextOffset >= SearchCeiling)
        {
            next = null;
            ceiling = Ceiling(page.Total);
        }

        return new SearchResult(query, records, page.Total, next, null, limit, ceiling);
    }

    private string Ceiling(long? total) => string.Create(CultureInfo.InvariantCulture,
        $"HubSpot search returns at most {SearchCeiling} results for one query{(total is { } t ? $" (this one matches {t})" : "")}; narrow the filters (e.g. a shorter date range) to see the rest.");

    /// <summary>The properties of <paramref name="type"/> the model may use: the administrator's allowlist ∩ HubSpot's properties (cached).</summary>
    private async Task<IReadOnlyDictionary<string, HubSpotProperty>> AllowedAsync(string type, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, HubSpotProperty> all = await Cached(_properties, type, ct => LoadPropertiesAsync(type, ct), cancellationToken);
        var allowed = new Dictionary<string, HubSpotProperty>(StringComparer.Ordinal);
        foreach (string name in ReadAllowlist(type))
        {
            if (all.TryGetValue(name, out HubSpotProperty? property))
            {
                allowed[name] = property;
            }
        }

        return allowed;
    }

    private async Task<IReadOnlyDictionary<string, HubSpotProperty>> LoadPropertiesAsync(string type, CancellationToken cancellationToken)
    {
        HsProperties described = await GetAsync($"{options.PropertiesPath}/{type}", HubSpotJsonContext.Default.HsProperties,
            $"The {type} properties", cancellationToken);
        var properties = new Dictionary<string, HubSpotProperty>(StringComparer.Ordinal);
        foreach (HsProperty p in described.Results ?? [])
        {
            if (HubSpotIds.IsPropertyName(p.Name) && p.Hidden != true)
            {
                properties[p.Name!] = new HubSpotProperty(p.Name!, Name(p.Label ?? p.Name), Name(p.Type ?? "string", 40),
                    p.ModificationMetadata?.ReadOnlyValue != true && p.Calculated != true,
                    [.. (p.Options ?? []).Where(o => o.Hidden != true && o.Value is { Length: > 0 and <= 200 }).Take(500)
                        .Select(o => new HsOption(Name(o.Label ?? o.Value), o.Value, false))]);
            }
        }

        return properties;
    }

    private IReadOnlyList<string> ReadAllowlist(string type) => type switch
    {
        HubSpotObjects.Companies => options.CompanyProperties,
        HubSpotObjects.Contacts => options.ContactProperties,
        _ => options.DealProperties,
    };

    private IReadOnlyList<string> WriteAllowlist(string type) => type switch
    {
        HubSpotObjects.Companies => options.CompanyWriteProperties,
        HubSpotObjects.Contacts => options.ContactWriteProperties,
        _ => options.DealWriteProperties,
    };

    private IReadOnlyList<string> ActivityAllowlist(string engagement) => engagement switch
    {
        HubSpotObjects.Calls => options.CallProperties,
        HubSpotObjects.Notes => options.NoteProperties,
        HubSpotObjects.Meetings => options.MeetingProperties,
        HubSpotObjects.Tasks => options.TaskProperties,
        _ => options.EmailProperties,
    };

    private static string Setting(string type) => type switch
    {
        HubSpotObjects.Companies => "HubSpot:CompanyProperties",
        HubSpotObjects.Contacts => "HubSpot:ContactProperties",
        _ => "HubSpot:DealProperties",
    };

    /// <summary>A property a filter or a field list names: it must be allowlisted and exist in HubSpot.</summary>
    private static HubSpotProperty Filterable(IReadOnlyDictionary<string, HubSpotProperty> allowed, string property, string parameter, string type) =>
        allowed.TryGetValue(property, out HubSpotProperty? found)
            ? found
            : throw new ToolInputException(HubSpotIds.IsPropertyName(property)
                ? $"`{parameter}` cannot use the {type} property '{property}': it is not on this server's allowlist ({Setting(type)}) or does not exist in HubSpot. Allowed: {string.Join(", ", allowed.Keys.Take(MaxListedValues))}."
                : $"`{parameter}`: property names are lower-case letters, digits and underscores. Allowed: {string.Join(", ", allowed.Keys.Take(MaxListedValues))}.");

    /// <summary>Every word of <paramref name="value"/> inside a word of the property (see <see cref="HubSpotSearch.Words"/>).</summary>
    private static void AddContains(HubSpotSearch search, IReadOnlyDictionary<string, HubSpotProperty> allowed, string name, string? value, string parameter, string type)
    {
        if (value is null)
        {
            return;
        }

        string property = Filterable(allowed, name, parameter, type).Name;
        search.All.AddRange(HubSpotSearch.Words(value, parameter, 3).Select(w => HubSpotSearch.Contains(property, w)));
    }

    /// <summary>Values of an enumeration property, matched against its options (value or label, any case) and sent as HubSpot spells them.</summary>
    private static void AddEnumeration(HubSpotSearch search, IReadOnlyDictionary<string, HubSpotProperty> allowed, string name, IReadOnlyList<string> values, string parameter)
    {
        if (values.Count == 0)
        {
            return;
        }

        HubSpotProperty property = Filterable(allowed, name, parameter, HubSpotObjects.Companies);
        search.All.Add(HubSpotSearch.In(property.Name, [.. values.Select(v => Option(property, v, parameter)).Distinct(StringComparer.Ordinal)]));
    }

    private static string Option(HubSpotProperty property, string value, string parameter)
    {
        string text = HubSpotSearch.Text(value, parameter);
        if (!property.IsEnumeration)
        {
            return text;
        }

        return property.Options.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase))?.Value
            ?? throw new ToolInputException($"`{parameter}`: '{text}' is not a value of {property.Name}; valid values: " +
                string.Join(", ", property.Options.Take(MaxListedValues).Select(o => o.Value)) + (property.Options.Count > MaxListedValues ? ", …" : "") + ".");
    }

    private static void AddRange(HubSpotSearch search, IReadOnlyDictionary<string, HubSpotProperty> allowed, string name, AmountRange? range, string parameter, string type)
    {
        if (range is null || (range.Min is null && range.Max is null))
        {
            return;
        }

        string property = Filterable(allowed, name, parameter, type).Name;
        if (range.Min is { } min)
        {
            search.All.Add(HubSpotSearch.Gte(property, HubSpotSearch.Number(min)));
        }

        if (range.Max is { } max)
        {
            search.All.Add(HubSpotSearch.Lte(property, HubSpotSearch.Number(max)));
        }
    }

    /// <summary>A close-date range of local dates (Crm:TimeZone) as epoch milliseconds, as HubSpot search compares dates.</summary>
    private void AddDates(HubSpotSearch search, IReadOnlyDictionary<string, HubSpotProperty> allowed, DateRange? range, string parameter)
    {
        if (range is null || (range.From is null && range.Before is null))
        {
            return;
        }

        string property = Filterable(allowed, "closedate", parameter, HubSpotObjects.Deals).Name;
        if (range.From is { } from)
        {
            search.All.Add(HubSpotSearch.Gte(property, EpochMilliseconds(from)));
        }

        if (range.Before is { } before)
        {
            search.All.Add(HubSpotSearch.Lt(property, EpochMilliseconds(before)));
        }
    }

    private string EpochMilliseconds(DateOnly date)
    {
        TimeZoneInfo zone = crm.TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out TimeZoneInfo? found) ? found : TimeZoneInfo.Local;
        DateTime local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Midnight that does not exist (a daylight-saving jump at 00:00) is taken an hour later.
        DateTime utc = TimeZoneInfo.ConvertTimeToUtc(zone.IsInvalidTime(local) ? local.AddHours(1) : local, zone);
        return new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    private async Task AddOwnerAsync(HubSpotSearch search, IReadOnlyDictionary<string, HubSpotProperty> allowed, string? owner, string type, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return;
        }

        string property = Filterable(allowed, "hubspot_owner_id", "owner", type).Name;
        search.All.Add(HubSpotSearch.Eq(property, await OwnerIdAsync(owner, "owner", cancellationToken)));
    }

    private async Task<string> OwnerIdAsync(string owner, string parameter, CancellationToken cancellationToken)
    {
        string text = owner.Trim();
        if (string.Equals(text, "me", StringComparison.OrdinalIgnoreCase))
        {
            return await MeAsync(cancellationToken);
        }

        return HubSpotIds.IsId(text) ? text : throw new ToolInputException($"`{parameter}` must be \"me\" or a numeric HubSpot owner id.");
    }

    /// <summary>
    /// The owner id "me" stands for. Signed in: the user the access token belongs to (token metadata <c>user_id</c>),
    /// then that user's owner (<c>GET /crm/v3/owners/{userId}?idProperty=userId</c>). A private app is no user:
    /// HubSpot:OwnerId says whom it stands for.
    /// </summary>
    private Task<string> MeAsync(CancellationToken cancellationToken)
    {
        if (oauth is null)
        {
            return options.OwnerId is { } configured
                ? Task.FromResult(configured)
                : throw new ToolInputException("\"me\" is not known with a private-app token: name an owner id, or ask an administrator to set HubSpot:OwnerId.");
        }

        lock (_gate)
        {
            if (_me is null || _me.IsFaulted || _me.IsCanceled)
            {
                _me = LoadMeAsync(oauth, cancellationToken);
            }

            return _me;
        }
    }

    private async Task<string> LoadMeAsync(Shared.Credentials.OAuthCredential credential, CancellationToken cancellationToken)
    {
        HsTokenInfo info = await TokenInfoAsync(credential, cancellationToken);
        if (info.UserId is not { } userId)
        {
            throw new BackendException(BackendErrorKind.Unavailable, "HubSpot did not say which user the sign-in belongs to; run `mcp-crm login` again.");
        }

        HsOwner owner = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"{options.OwnersPath}/{userId}?idProperty=userId"),
            HubSpotJsonContext.Default.HsOwner, "The signed-in user's owner record", cancellationToken);
        return HubSpotIds.IsId(owner.Id)
            ? owner.Id!
            : throw new BackendException(BackendErrorKind.Unavailable, "HubSpot returned an owner id this server does not accept.");
    }

    /// <summary><c>GET /oauth/v1/access-tokens/{token}</c>: who signed in (the token sits in the path, as HubSpot documents; logs mask it).</summary>
    private async Task<HsTokenInfo> TokenInfoAsync(Shared.Credentials.OAuthCredential credential, CancellationToken cancellationToken)
    {
        string token = await credential.TokenAsync(cancellationToken);
        HsTokenInfo info = await GetAsync($"{options.TokenInfoPath}/{Uri.EscapeDataString(token)}", HubSpotJsonContext.Default.HsTokenInfo,
            "The sign-in", cancellationToken);
        if (info.User is { Length: > 0 } user)
        {
            identityKnown(Name(user));
        }

        return info;
    }

    /// <summary>Who the server acts as, for --check and the audit line.</summary>
    private Task<string> UserAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_user is null || _user.IsFaulted || _user.IsCanceled)
            {
                _user = oauth is null
                    ? Task.FromResult(options.OwnerId is { } owner ? $"private app (owner {owner})" : "private app")
                    : LoadUserAsync(oauth, cancellationToken);
            }

            return _user;
        }
    }

    private async Task<string> LoadUserAsync(Shared.Credentials.OAuthCredential credential, CancellationToken cancellationToken) =>
        (await TokenInfoAsync(credential, cancellationToken)).User is { Length: > 0 } user ? Name(user) : "(signed-in user)";

    private Task<DealStages> StagesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stages is null || _stages.IsFaulted || _stages.IsCanceled)
            {
                _stages = LoadStagesAsync(cancellationToken);
            }

            return _stages;
        }
    }

    /// <summary>
    /// Open, won or lost per stage, from the pipelines API: a stage whose metadata says <c>isClosed</c> is won at
    /// probability 1 and lost below it; any other stage is open.
    /// </summary>
    private async Task<DealStages> LoadStagesAsync(CancellationToken cancellationToken)
    {
        HsPipelines pipelines = await GetAsync($"{options.PipelinesPath}/{HubSpotObjects.Deals}", HubSpotJsonContext.Default.HsPipelines,
            "The deal pipelines", cancellationToken);
        var stages = new List<(string, string, OpportunityStatus)>();
        foreach (HsStage stage in (pipelines.Results ?? []).SelectMany(p => p.Stages ?? []))
        {
            if (stage.Id is not { Length: > 0 and <= 100 } id)
            {
                continue;
            }

            string? closed = stage.Metadata?.GetValueOrDefault("isClosed");
            decimal probability = Amount(stage.Metadata?.GetValueOrDefault("probability")) ?? 0m;
            OpportunityStatus status = !string.Equals(closed, "true", StringComparison.OrdinalIgnoreCase)
                ? OpportunityStatus.Open
                : probability >= 1m ? OpportunityStatus.Won : OpportunityStatus.Lost;
            stages.Add((id, Name(stage.Label ?? id), status));
        }

        return new DealStages(stages);
    }

    private async Task<Links> LinksAsync(CancellationToken cancellationToken)
    {
        HsAccountInfo? account = await AccountAsync(cancellationToken);
        long portal = options.PortalId ?? account?.PortalId
            ?? throw new BackendException(BackendErrorKind.Unavailable, "HubSpot did not say the account's portal id; an administrator can set HubSpot:PortalId.");
        string ui = options.UiDomain ?? (account?.UiDomain is { } domain && Uri.CheckHostName(domain) == UriHostNameType.Dns ? domain : "app.hubspot.com");
        string? currency = account?.CompanyCurrency is { Length: 3 } code && code.All(char.IsAsciiLetterUpper) ? code : null;
        return new Links(portal, ui, currency);
    }

    /// <summary>
    /// The account's details (portal id, UI domain, currency), once. With HubSpot:PortalId set, a failure here only
    /// leaves amounts without their currency.
    /// </summary>
    private Task<HsAccountInfo?> AccountAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_account is null || _account.IsFaulted || _account.IsCanceled)
            {
                _account = LoadAccountAsync(cancellationToken);
            }

            return _account;
        }
    }

    private async Task<HsAccountInfo?> LoadAccountAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(options.AccountInfoPath, HubSpotJsonContext.Default.HsAccountInfo, "The account details", cancellationToken);
        }
        catch (BackendException e) when (options.PortalId is not null && e.Kind is BackendErrorKind.Forbidden or BackendErrorKind.NotFound)
        {
            return null;
        }
    }

    private async Task<T> Cached<T>(Dictionary<string, Task<T>> cache, string key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        Task<T> task;
        lock (_gate)
        {
            if (!cache.TryGetValue(key, out task!) || task.IsFaulted || task.IsCanceled)
            {
                task = load(cancellationToken);
                cache[key] = task;
            }
        }

        return await task;
    }

    /// <summary><c>POST {objects}/{type}/batch/read</c> in chunks of 100; records HubSpot does not return (deleted, not visible) are left out.</summary>
    private async Task<IReadOnlyList<HsObject>> BatchReadAsync(string type, IEnumerable<string> ids, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        var records = new List<HsObject>();
        foreach (string[] chunk in ids.Where(HubSpotIds.IsId).Distinct(StringComparer.Ordinal).Chunk(MaxBatch))
        {
            HsBatchResult result = await PostReadAsync($"{options.ObjectsPath}/{type}/batch/read", new HsBatchRead(properties, [.. chunk.Select(i => new HsId(i))]),
                HubSpotJsonContext.Default.HsBatchRead, HubSpotJsonContext.Default.HsBatchResult, $"The {type}", cancellationToken);
            records.AddRange((result.Results ?? []).Where(r => r.Id is { } id && chunk.Contains(id, StringComparer.Ordinal)));
        }

        // In the order asked for.
        string[] order = [.. ids];
        return [.. records.DistinctBy(r => r.Id).OrderBy(r => Array.IndexOf(order, r.Id))];
    }

    /// <summary>
    /// The company of each deal (<c>POST /crm/v4/associations/deals/companies/batch/read</c>): the one labelled primary
    /// where a deal has several, else the first.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> CompaniesOfAsync(IReadOnlyList<string> dealIds, CancellationToken cancellationToken)
    {
        var companyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string[] chunk in dealIds.Where(HubSpotIds.IsId).Distinct(StringComparer.Ordinal).Chunk(MaxBatch))
        {
            HsAssociationBatch batch = await PostReadAsync($"{options.AssociationsPath}/{HubSpotObjects.Deals}/{HubSpotObjects.Companies}/batch/read",
                new HsAssociationBatchRequest([.. chunk.Select(i => new HsId(i))]), HubSpotJsonContext.Default.HsAssociationBatchRequest,
                HubSpotJsonContext.Default.HsAssociationBatch, "The deals' companies", cancellationToken);
            foreach (HsAssociationRow row in batch.Results ?? [])
            {
                if (row.From?.Id is not { } deal || !chunk.Contains(deal, StringComparer.Ordinal) || row.To is not { Count: > 0 } targets)
                {
                    continue;
                }

                HsAssociationTarget target = targets.FirstOrDefault(t => t.AssociationTypes?.Any(a => string.Equals(a.Label, "Primary", StringComparison.OrdinalIgnoreCase)) == true)
                    ?? targets[0];
                if (target.ToObjectId is { } company and > 0)
                {
                    companyOf[deal] = company.ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        return companyOf;
    }

    /// <summary>Deals as summaries, with their company (given, or read from the associations) and its name.</summary>
    private async Task<IReadOnlyList<OpportunitySummary>> DealsAsync(IReadOnlyList<HsObject> deals, DealStages stages, (string Id, string Name)? company,
        CancellationToken cancellationToken)
    {
        if (deals.Count == 0)
        {
            return [];
        }

        Links links = await LinksAsync(cancellationToken);
        IReadOnlyDictionary<string, string> companyOf = company is { } known
            ? deals.ToDictionary(d => d.Id!, _ => known.Id, StringComparer.Ordinal)
            : await CompaniesOfAsync([.. deals.Select(d => d.Id!)], cancellationToken);
        IReadOnlyList<HsObject> companies = company is null
            ? await BatchReadAsync(HubSpotObjects.Companies, companyOf.Values, ["name"], cancellationToken)
            : [];
        string? NameOf(string? id) => id is null ? null : company is { } k && k.Id == id ? k.Name
            : Value(companies.FirstOrDefault(c => c.Id == id), "name") is { } n ? Name(n) : null;

        return [.. deals.Select(d =>
        {
            string? stage = Value(d, "dealstage");
            string? companyId = companyOf.GetValueOrDefault(d.Id!);
            return new OpportunitySummary(d.Id!, Name(Value(d, "dealname") ?? "(no name)"), stages.Label(stage) ?? Optional(stage),
                (stages.Status(stage) ?? OpportunityStatus.Open).ToString(), Money(Value(d, "amount"), Currency(d) ?? links.Currency),
                Date(Value(d, "closedate")), companyId, NameOf(companyId), Optional(Value(d, "hubspot_owner_id")), Url(links, HubSpotObjects.Deals, d.Id!));
        })];
    }

    private static AccountSummary Account(HsObject r, Links links) =>
        new(r.Id!, Name(Value(r, "name") ?? "(no name)"), Optional(Value(r, "industry")), Optional(Value(r, "type")), Optional(Value(r, "country")),
            Money(Value(r, "annualrevenue"), links.Currency), Optional(Value(r, "hubspot_owner_id")), Url(links, HubSpotObjects.Companies, r.Id!));

    private static ContactSummary Contact(HsObject r, Links links)
    {
        string name = string.Join(' ', new[] { Value(r, "firstname"), Value(r, "lastname") }.Where(n => !string.IsNullOrWhiteSpace(n)));
        string? company = Value(r, "associatedcompanyid") is { } id && HubSpotIds.IsId(id) ? id : null;
        return new ContactSummary(r.Id!, Name(name.Length > 0 ? name : Value(r, "email") ?? "(no name)"), Optional(Value(r, "jobtitle")),
            Optional(Value(r, "email")), Optional(Value(r, "phone")), company, Optional(Value(r, "company")), Optional(Value(r, "hubspot_owner_id")),
            Url(links, HubSpotObjects.Contacts, r.Id!));
    }

    private ActivityInfo Activity(ActivityKind kind, HsObject r)
    {
        (string subject, string body, string status) = kind switch
        {
            ActivityKind.Call => ("hs_call_title", "hs_call_body", "hs_call_status"),
            ActivityKind.Note => ("", "hs_note_body", ""),
            ActivityKind.Meeting => ("hs_meeting_title", "hs_meeting_body", "hs_meeting_outcome"),
            ActivityKind.Task => ("hs_task_subject", "hs_task_body", "hs_task_status"),
            _ => ("hs_email_subject", "hs_email_text", "hs_email_status"),
        };
        return new ActivityInfo(r.Id!, kind.ToString(), Optional(Value(r, subject)), Optional(Value(r, status)), Optional(Value(r, "hs_timestamp")),
            Optional(Value(r, "hubspot_owner_id")), Value(r, body) is { } text ? TextHygiene.CleanAndTruncate(text, crm.MaxTextChars) : null);
    }

    private static IEnumerable<string> AssociatedIds(HsObject record, string type) =>
        (record.Associations?.GetValueOrDefault(type)?.Results ?? []).Select(a => a.Id).Where(HubSpotIds.IsId).Select(i => i!).Distinct(StringComparer.Ordinal);

    private static string Url(Links links, string type, string id) =>
        string.Create(CultureInfo.InvariantCulture, $"https://{links.UiDomain}/contacts/{links.Portal}/record/{HubSpotObjects.TypeId(type)}/{id}");

    private static string? Value(HsObject? record, string property) =>
        record?.Properties is { } p && property.Length > 0 && p.TryGetValue(property, out string? value) && !string.IsNullOrEmpty(value) ? value : null;

    private static string? Currency(HsObject deal) => Value(deal, "deal_currency_code") is { Length: 3 } code && code.All(char.IsAsciiLetter) ? code.ToUpperInvariant() : null;

    private static decimal? Amount(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) ? value : null;

    private static Money? Money(string? text, string? currency) => Amount(text) is { } amount ? new Money(amount, currency) : null;

    /// <summary>A date property as an ISO date: HubSpot returns ISO 8601 text (or, in older data, epoch milliseconds).</summary>
    private static string? Date(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms is > 0 and < 253_402_300_800_000)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset when)
            ? when.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : Optional(text);
    }

    private static string? Optional(string? text) => text is null ? null : Name(text);
}
