using System.Globalization;
using System.Text.Json;
using McpServers.Crm.Options;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>
/// HubSpot CRM v3 (objects, search, properties, pipelines) and v4 (associations) as the configured private app or the
/// signed-in user. Search bodies are built from structured filters (<see cref="HubSpotSearch"/>): property names only
/// from the administrator's allowlist ∩ the object's properties, enumeration values checked against the property's
/// options. Searches page with <c>after</c> behind an opaque cursor bound to the query, up to HubSpot's ceiling of
/// 10 000 results per query. <paramref name="identityKnown"/> hears, once, who the server acts as (for the audit line).
/// </summary>
internal sealed partial class HubSpotGateway(HttpClient http, HubSpotOptions options, CrmOptions crm, TimeProvider time,
    OAuthCredential? oauth, Action<string> identityKnown, ILogger<HubSpotGateway> logger) : ICrmGateway
{
    public const string HttpClientName = "HubSpot";

    private const int MaxPageSize = 200;
    private const int MaxBatch = 100;
    private const int MaxRelated = 100;
    private const int MaxListedValues = 50;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<IReadOnlyDictionary<string, HubSpotProperty>>> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<int>> _associationTypes = new(StringComparer.Ordinal);
    private Task<DealStages>? _stages;
    private Task<HsAccountInfo?>? _account;
    private Task<string>? _me;
    private Task<string>? _user;

    public string Provider => "HubSpot";

    private int SearchCeiling => options.SearchCeiling;

    public async Task<RecordPage<AccountSummary>> SearchAccountsAsync(AccountFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseWhenNearLimit();
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(HubSpotObjects.Companies, cancellationToken);
        var search = new HubSpotSearch();
        AddContains(search, allowed, "name", filter.NameContains, "name_contains", HubSpotObjects.Companies);

        AddEnumeration(search, allowed, "industry", filter.Industries, "industries");
        AddEnumeration(search, allowed, "type", filter.Types, "types");
        if (filter.Country is { } country)
        {
            search.All.Add(HubSpotSearch.Eq(Filterable(allowed, "country", "country", HubSpotObjects.Companies).Name, HubSpotSearch.Text(country, "country")));
        }

        AddRange(search, allowed, "annualrevenue", filter.AnnualRevenue, "annual_revenue", HubSpotObjects.Companies);
        await AddOwnerAsync(search, allowed, filter.Owner, HubSpotObjects.Companies, cancellationToken);
        return await SearchPageAsync(HubSpotObjects.Companies, search, "name", allowed, page, Account, cancellationToken);
    }

    public async Task<RecordPage<ContactSummary>> SearchContactsAsync(ContactFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseWhenNearLimit();
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(HubSpotObjects.Contacts, cancellationToken);
        var search = new HubSpotSearch();
        if (filter.NameContains is { } name)
        {
            // A contact's name is two properties: each word must be in the first or the last name.
            string first = Filterable(allowed, "firstname", "name_contains", HubSpotObjects.Contacts).Name;
            string last = Filterable(allowed, "lastname", "name_contains", HubSpotObjects.Contacts).Name;
            search.AnyOf.AddRange(HubSpotSearch.Words(name, "name_contains", 2)
                .Select(w => (IReadOnlyList<HsFilter>)[HubSpotSearch.Contains(first, w), HubSpotSearch.Contains(last, w)]));
        }

        if (filter.Email is { } email)
        {
            search.All.Add(HubSpotSearch.Eq(Filterable(allowed, "email", "email", HubSpotObjects.Contacts).Name, HubSpotSearch.Text(email, "email")));
        }

        AddContains(search, allowed, "jobtitle", filter.TitleContains, "title_contains", HubSpotObjects.Contacts);

        if (filter.AccountId is { } account)
        {
            search.All.Add(HubSpotSearch.Eq("associations.company", HubSpotIds.Parse(account, "account_id")));
        }

        await AddOwnerAsync(search, allowed, filter.Owner, HubSpotObjects.Contacts, cancellationToken);
        return await SearchPageAsync(HubSpotObjects.Contacts, search, "lastname", allowed, page, Contact, cancellationToken);
    }

    /// <summary>One page of <paramref name="type"/> sorted by <paramref name="sortBy"/>, every allowed property read, as summaries.</summary>
    private async Task<RecordPage<T>> SearchPageAsync<T>(string type, HubSpotSearch search, string sortBy, IReadOnlyDictionary<string, HubSpotProperty> allowed,
        PageRequest page, Func<HsObject, Links, T> summary, CancellationToken cancellationToken)
    {
        SearchResult result = await SearchAsync(type, search, new HsSort(sortBy, "ASCENDING"), [.. allowed.Keys], page, cancellationToken);
        Links links = await LinksAsync(cancellationToken);
        return result.Page([.. result.Records.Select(r => summary(r, links))]);
    }

    public async Task<RecordPage<OpportunitySummary>> SearchOpportunitiesAsync(OpportunityFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseWhenNearLimit();
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(HubSpotObjects.Deals, cancellationToken);
        DealStages stages = await StagesAsync(cancellationToken);
        var search = new HubSpotSearch();
        if (filter.Stages.Count > 0 || filter.Status is not null)
        {
            string property = Filterable(allowed, "dealstage", filter.Stages.Count > 0 ? "stages" : "status", HubSpotObjects.Deals).Name;
            IReadOnlyList<string> ids = stages.Select(filter.Stages, filter.Status);
            search.All.Add(HubSpotSearch.In(property, ids));
        }

        AddDates(search, allowed, filter.CloseDate, "close_date");
        AddRange(search, allowed, "amount", filter.Amount, "amount", HubSpotObjects.Deals);
        if (filter.AccountId is { } account)
        {
            search.All.Add(HubSpotSearch.Eq("associations.company", HubSpotIds.Parse(account, "account_id")));
        }

        await AddOwnerAsync(search, allowed, filter.Owner, HubSpotObjects.Deals, cancellationToken);
        SearchResult result = await SearchAsync(HubSpotObjects.Deals, search, new HsSort("closedate", "DESCENDING"), [.. allowed.Keys], page, cancellationToken);
        return result.Page(await DealsAsync(result.Records, stages, null, cancellationToken));
    }

    public async Task<AccountDetail> GetAccountAsync(string accountId, AccountDetailRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string id = HubSpotIds.Parse(accountId, "account_id");
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(HubSpotObjects.Companies, cancellationToken);
        string[] extra = [.. request.Fields.Select(f => Filterable(allowed, f, "fields", HubSpotObjects.Companies).Name).Distinct(StringComparer.Ordinal)];
        HsObject company = await GetAsync(
            $"{options.ObjectsPath}/{HubSpotObjects.Companies}/{id}?properties={string.Join(',', allowed.Keys)}&associations={HubSpotObjects.Contacts},{HubSpotObjects.Deals}",
            HubSpotJsonContext.Default.HsObject, $"Company {id}", cancellationToken);
        if (company.Id != id)
        {
            throw new BackendException(BackendErrorKind.NotFound, $"Company {id} was not found or is not visible to you.");
        }

        Links links = await LinksAsync(cancellationToken);
        AccountSummary summary = Account(company, links);
        var fields = extra.ToDictionary(f => f, f => Value(company, f) is { } v ? TextHygiene.CleanAndTruncate(v, crm.MaxTextChars) : null, StringComparer.Ordinal);

        ContactSummary[] contacts = [];
        if (request.Contacts > 0)
        {
            IReadOnlyDictionary<string, HubSpotProperty> contactProperties = await AllowedAsync(HubSpotObjects.Contacts, cancellationToken);
            IReadOnlyList<HsObject> read = await BatchReadAsync(HubSpotObjects.Contacts, AssociatedIds(company, HubSpotObjects.Contacts).Take(request.Contacts),
                [.. contactProperties.Keys], cancellationToken);
            contacts = [.. read.Select(c => Contact(c, links))];
        }

        OpportunitySummary[] open = [];
        if (request.OpenOpportunities > 0)
        {
            IReadOnlyDictionary<string, HubSpotProperty> dealProperties = await AllowedAsync(HubSpotObjects.Deals, cancellationToken);
            DealStages stages = await StagesAsync(cancellationToken);
            IReadOnlyList<HsObject> read = await BatchReadAsync(HubSpotObjects.Deals, AssociatedIds(company, HubSpotObjects.Deals).Take(MaxRelated),
                [.. dealProperties.Keys], cancellationToken);
            HsObject[] openDeals = [.. read.Where(d => stages.Status(Value(d, "dealstage")) == OpportunityStatus.Open).Take(request.OpenOpportunities)];
            open = [.. await DealsAsync(openDeals, stages, (id, summary.Name), cancellationToken)];
        }

        IReadOnlyList<ActivityInfo> activities = request.Activities > 0
            ? (await ActivitiesAsync(HubSpotObjects.Companies, id, [], new PageRequest(request.Activities, null), cancellationToken)).Records
            : [];
        return new AccountDetail(summary, fields, contacts, open, activities);
    }

    public Task<RecordPage<ActivityInfo>> ListActivitiesAsync(string recordId, ActivityFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        (string? type, string id) = HubSpotIds.ParseRecord(recordId, "record_id");
        RefuseWhenNearLimit();
        return ActivitiesAsync(type, id, filter.Kinds, page, cancellationToken);
    }

    public async Task<ObjectDescription> DescribeObjectAsync(CrmObjectKind kind, CancellationToken cancellationToken)
    {
        string type = HubSpotObjects.Of(kind);
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(type, cancellationToken);
        IReadOnlyList<string> writable = WriteAllowlist(type);
        return new ObjectDescription(type, type, kind switch
        {
            CrmObjectKind.Account => "Company",
            CrmObjectKind.Contact => "Contact",
            _ => "Deal",
        }, [.. allowed.Values.Select(p => new FieldInfo(p.Name, p.Label, p.Type, true, p.Writable && writable.Contains(p.Name, StringComparer.Ordinal),
            [.. p.Options.Take(MaxRelated).Select(o => o.Value!)]))]);
    }

    /// <summary>HubSpot has no fiscal-year setting in its API: the administrator's Crm:FiscalYearStartMonth, else calendar quarters.</summary>
    public Task<int?> FiscalYearStartMonthAsync(CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    public async Task<CrmCheck> CheckAsync(CancellationToken cancellationToken)
    {
        HsAccountInfo? account = await AccountAsync(cancellationToken)
            ?? throw new BackendException(BackendErrorKind.Unavailable, "HubSpot did not say which account the credentials belong to.");
        string user = await UserAsync(cancellationToken);
        return new CrmCheck(Provider, string.Create(CultureInfo.InvariantCulture, $"portal {account.PortalId} ({Name(account.UiDomain ?? "app.hubspot.com")})"),
            user, options.ObjectsPath);
    }

    /// <summary>
    /// Accounts ranked by their deals' amounts over the period: deal search (close date in the period, won or open
    /// stages), 200 a page, summed per associated company (the primary association where there are several) and
    /// currency, at most Crm:MaxRankingScan deals; company names in one batch read.
    /// </summary>
    public async Task<AccountRanking> TopAccountsAsync(RankingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RefuseWhenNearLimit();
        IReadOnlyDictionary<string, HubSpotProperty> allowed = await AllowedAsync(HubSpotObjects.Deals, cancellationToken);
        DealStages stages = await StagesAsync(cancellationToken);
        var search = new HubSpotSearch();
        search.All.Add(HubSpotSearch.In(Filterable(allowed, "dealstage", "rank_by", HubSpotObjects.Deals).Name,
            stages.Select([], request.RankBy == RankBy.Won ? OpportunityStatus.Won : OpportunityStatus.Open)));
        AddDates(search, allowed, request.Period, "period");
        await AddOwnerAsync(search, allowed, request.Owner, HubSpotObjects.Deals, cancellationToken);
        string amount = Filterable(allowed, "amount", "rank_by", HubSpotObjects.Deals).Name;
        string[] properties = [amount, .. allowed.ContainsKey("deal_currency_code") ? ["deal_currency_code"] : Array.Empty<string>()];

        var deals = new List<HsObject>();
        string? cursor = null;
        string? query = null;
        string? ceiling = null;
        bool more;
        do
        {
            int size = Math.Min(MaxPageSize, crm.MaxRankingScan - deals.Count);
            SearchResult page = await SearchAsync(HubSpotObjects.Deals, search, new HsSort("closedate", "ASCENDING"), properties,
                new PageRequest(size, cursor), cancellationToken);
            query ??= page.Query;
            ceiling ??= page.Ceiling;
            deals.AddRange(page.Records);
            cursor = page.NextCursor;
            more = cursor is not null;
        }
        while (more && deals.Count < crm.MaxRankingScan);

        string? currency = (await LinksAsync(cancellationToken)).Currency;
        IReadOnlyDictionary<string, string> companyOf = await CompaniesOfAsync([.. deals.Select(d => d.Id!)], cancellationToken);
        var totals = deals
            .Where(d => companyOf.ContainsKey(d.Id!))
            .GroupBy(d => (Company: companyOf[d.Id!], Currency: Currency(d) ?? currency))
            .Select(g => (g.Key.Company, g.Key.Currency, Amount: g.Sum(d => Amount(Value(d, amount)) ?? 0m), Count: g.Count()))
            .OrderByDescending(t => t.Amount).ThenBy(t => t.Company, StringComparer.Ordinal)
            .Take(request.Limit)
            .ToArray();
        IReadOnlyList<HsObject> companies = await BatchReadAsync(HubSpotObjects.Companies, totals.Select(t => t.Company).Distinct(StringComparer.Ordinal), ["name"], cancellationToken);
        RankedAccount[] ranked = [.. totals.Select((t, i) => new RankedAccount(i + 1, t.Company,
            Name(Value(companies.FirstOrDefault(c => c.Id == t.Company), "name") ?? "(no name)"), new Money(t.Amount, t.Currency), t.Count))];

        bool capped = more || ceiling is not null;
        string? notice = capped
            ? string.Create(CultureInfo.InvariantCulture,
                $"Only the first {deals.Count} deals were summed ({(ceiling is not null ? "HubSpot's search ceiling" : "Crm:MaxRankingScan")}); the totals may be low. Narrow the period or the owner, or ask an administrator to raise Crm:MaxRankingScan.")
            : null;
        return new AccountRanking(query ?? "", ranked, deals.Count, capped, notice);
    }

    private async Task<RecordPage<ActivityInfo>> ActivitiesAsync(string? type, string id, IReadOnlyList<ActivityKind> kinds, PageRequest page,
        CancellationToken cancellationToken)
    {
        ActivityKind[] wanted = [.. (kinds.Count == 0 ? Enum.GetValues<ActivityKind>() : kinds).Distinct()];
        // The cursor holds each engagement type's offset: the pages of several searches merged newest first.
        string scope = "hubspot:activities:" + (type ?? "any") + ":" + id + ":" + string.Join(',', wanted);
        Dictionary<string, int> offsets = page.Cursor is null
            ? []
            : OpaqueCursor.Decode(scope, page.Cursor).Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        int size = Math.Min(page.Size, MaxPageSize);
        var found = new List<(string Type, ActivityKind Kind, HsObject Record)>();
        var exhausted = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<string>();
        foreach (ActivityKind kind in wanted)
        {
            string engagement = HubSpotObjects.Engagement(kind);
            int offset = offsets.GetValueOrDefault(engagement);
            var search = new HubSpotSearch();
            // A bare HubSpot id does not say its object: the record may be a company, a contact or a deal.
            search.AnyOf.Add([.. (type is null ? [HubSpotObjects.Companies, HubSpotObjects.Contacts, HubSpotObjects.Deals] : new[] { type })
                .Select(t => HubSpotSearch.Eq("associations." + HubSpotObjects.Singular(t), id))]);
            SearchResult result;
            try
            {
                result = await SearchCoreAsync(engagement, search, new HsSort("hs_timestamp", "DESCENDING"), ActivityAllowlist(engagement),
                    size, offset == 0 ? null : offset.ToString(CultureInfo.InvariantCulture), cancellationToken);
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.Forbidden && kinds.Count == 0)
            {
                // Asked for every kind: an engagement type the app has no scope for (e-mails need their own) is left out.
                exhausted.Add(engagement);
                continue;
            }

            queries.Add(result.Query);
            found.AddRange(result.Records.Select(r => (engagement, kind, r)));
            if (result.Next is null)
            {
                exhausted.Add(engagement);
            }
        }

        var taken = found.OrderByDescending(f => Value(f.Record, "hs_timestamp") is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, out DateTimeOffset when)
                ? when : DateTimeOffset.MinValue)
            .Take(size).ToList();
        bool more = found.Count > taken.Count || wanted.Any(k => !exhausted.Contains(HubSpotObjects.Engagement(k)));
        string? next = null;
        if (more)
        {
            next = OpaqueCursor.Encode(scope, string.Join(';', wanted.Select(HubSpotObjects.Engagement).Select(e =>
                string.Create(CultureInfo.InvariantCulture, $"{e}={offsets.GetValueOrDefault(e) + taken.Count(t => t.Type == e)}"))));
        }

        return new RecordPage<ActivityInfo>(string.Join("\n", queries), [.. taken.Select(t => Activity(t.Kind, t.Record))], null, next, size);
    }
}
