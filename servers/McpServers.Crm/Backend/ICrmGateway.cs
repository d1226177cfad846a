using System.Text.Json;

namespace McpServers.Crm.Backend;

/// <summary>
/// The only code that talks to the CRM (one implementation per provider: <c>SalesforceGateway</c>, <c>HubSpotGateway</c>).
/// Every method builds its query from the structured inputs below (never from model text), applies the administrator's
/// object and field allowlists, validates record ids by the provider's shape (<c>ToolInputException</c> with the
/// expected shape), strips control and bidi characters from every text it returns, and caps lists. It returns facts,
/// never sentences for the model: those are the tools' to write. Failures are <c>BackendException</c>s with safe messages
/// (a record outside the user's visibility: <c>NotFound</c>, "not found or not visible to you").
/// </summary>
public interface ICrmGateway
{
    /// <summary><c>Salesforce</c> or <c>HubSpot</c>: named in results so the model knows which dialect of ids it sees.</summary>
    string Provider { get; }

    /// <summary>
    /// The provider's API usage as last reported (Salesforce <c>Sforce-Limit-Info</c>, HubSpot
    /// <c>X-HubSpot-RateLimit-Daily*</c>), null before the first call. Past the configured hard share
    /// (<see cref="Options.CrmOptions.RefuseAtUsageShare"/>) the gateway itself refuses searches, rankings and writes
    /// (<c>BackendException</c> RateLimited) while single-record reads and describe stay allowed; tools warn past
    /// <see cref="Options.CrmOptions.WarnAtUsageShare"/>.
    /// </summary>
    ApiUsage? Usage { get; }

    Task<RecordPage<AccountSummary>> SearchAccountsAsync(AccountFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<AccountDetail> GetAccountAsync(string accountId, AccountDetailRequest request, CancellationToken cancellationToken);

    Task<RecordPage<ContactSummary>> SearchContactsAsync(ContactFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<RecordPage<OpportunitySummary>> SearchOpportunitiesAsync(OpportunityFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Accounts ranked by the sum of their opportunities' amounts over <see cref="RankingRequest.Period"/>: Salesforce with
    /// one SOQL aggregate (<c>GROUP BY AccountId</c>), HubSpot by paging deal search and summing here, up to a stated cap
    /// (<see cref="AccountRanking.CapReached"/>).
    /// </summary>
    Task<AccountRanking> TopAccountsAsync(RankingRequest request, CancellationToken cancellationToken);

    /// <summary>Tasks, events, calls, meetings, notes and e-mails of one record (account, contact or opportunity), newest first.</summary>
    Task<RecordPage<ActivityInfo>> ListActivitiesAsync(string recordId, ActivityFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The fields the model may use on <paramref name="kind"/>: the provider's describe intersected with the allowlist.</summary>
    Task<ObjectDescription> DescribeObjectAsync(CrmObjectKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// The fiscal year's first month as the CRM itself defines it (Salesforce <c>Organization.FiscalYearStartMonth</c>),
    /// or null where the provider has no such setting; the administrator's <c>Crm:FiscalYearStartMonth</c> wins when set.
    /// </summary>
    Task<int?> FiscalYearStartMonthAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Checks <paramref name="fields"/> (API names → JSON values) against the write allowlist, the describe (type,
    /// length, picklist values, listed in the error) and returns them as they will be sent. Used for the confirmation
    /// preview; the write methods run the same check again.
    /// </summary>
    Task<IReadOnlyList<FieldValue>> CheckWriteAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken);

    Task<RecordWritten> CreateRecordAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken);

    Task<RecordWritten> UpdateRecordAsync(CrmObjectKind kind, string recordId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken);

    /// <summary>A task, call, meeting or note on a record, owned by the signed-in user (Salesforce Task/Event, HubSpot engagement + association).</summary>
    Task<RecordWritten> LogActivityAsync(NewActivity activity, CancellationToken cancellationToken);

    /// <summary><c>--check</c>: reach the CRM once as the configured user.</summary>
    Task<CrmCheck> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The objects a tool can name. Provider names: Account/Contact/Opportunity (Salesforce), companies/contacts/deals (HubSpot).</summary>
public enum CrmObjectKind
{
    Account,
    Contact,
    Opportunity,
}

public enum ActivityKind
{
    Task,
    Call,
    Meeting,
    Note,
    Email,
}

public enum OpportunityStatus
{
    Open,
    Won,
    Lost,
}

public enum RankBy
{
    /// <summary>Closed-won amount with a close date in the period.</summary>
    Won,

    /// <summary>Open amount with a close date in the period.</summary>
    Pipeline,
}

/// <summary>
/// A page request: <see cref="Size"/> already capped by the tool (Crm:DefaultMaxResults / Crm:MaxResults);
/// <see cref="Cursor"/> is the previous page's opaque <see cref="RecordPage{T}.NextCursor"/>, which the gateway
/// checks belongs to the same query (otherwise ToolInputException "the cursor belongs to another search").
/// </summary>
public sealed record PageRequest(int Size, string? Cursor);

/// <summary>An amount and its ISO 4217 code (null when the CRM does not say; single-currency orgs say their corporate currency).</summary>
public sealed record Money(decimal Amount, string? Currency);

/// <summary>A date range of local dates: from <see cref="From"/> up to, not including, <see cref="Before"/>; either end may be open.</summary>
public sealed record DateRange(DateOnly? From, DateOnly? Before);

public sealed record AmountRange(decimal? Min, decimal? Max);

/// <summary>Account filters, all of which must hold. <see cref="Owner"/>: <c>me</c> or a user/owner id.</summary>
public sealed record AccountFilter
{
    public string? NameContains { get; init; }
    public IReadOnlyList<string> Industries { get; init; } = [];
    public IReadOnlyList<string> Types { get; init; } = [];
    public string? Owner { get; init; }
    public string? Country { get; init; }
    public AmountRange? AnnualRevenue { get; init; }
}

public sealed record ContactFilter
{
    public string? NameContains { get; init; }
    public string? Email { get; init; }
    public string? AccountId { get; init; }
    public string? TitleContains { get; init; }
    public string? Owner { get; init; }
}

public sealed record OpportunityFilter
{
    public IReadOnlyList<string> Stages { get; init; } = [];
    public OpportunityStatus? Status { get; init; }
    public DateRange? CloseDate { get; init; }
    public AmountRange? Amount { get; init; }
    public string? Owner { get; init; }
    public string? AccountId { get; init; }
}

public sealed record ActivityFilter(IReadOnlyList<ActivityKind> Kinds);

/// <summary>What <see cref="ICrmGateway.GetAccountAsync"/> adds: extra allowlisted fields, and how many related records of each kind.</summary>
public sealed record AccountDetailRequest(IReadOnlyList<string> Fields, int Contacts, int OpenOpportunities, int Activities);

/// <summary><see cref="Period"/> is local dates of the configured time zone; <see cref="Limit"/> already capped by the tool.</summary>
public sealed record RankingRequest(RankBy RankBy, DateRange Period, string? Owner, int Limit);

public sealed record NewActivity(ActivityKind Kind, string RecordId, string Subject, string? Body, DateTimeOffset? When,
    int? DurationMinutes);

// What the gateway returns. Where a record is also a tool's structured content it is written snake_case.

/// <summary>
/// One page of a search. <see cref="Query"/> is what was sent (SOQL, or the HubSpot search body), for transparency.
/// <see cref="NextCursor"/> is set when there is more; <see cref="Total"/> when the CRM says how many match.
/// <see cref="Ceiling"/> is set when the provider cannot page further (HubSpot: 10 000 results) with the reason.
/// </summary>
public sealed record RecordPage<T>(string Query, IReadOnlyList<T> Records, long? Total, string? NextCursor, int PageSize, string? Ceiling = null);

/// <summary><see cref="Url"/> opens the record in the CRM's own UI.</summary>
public sealed record AccountSummary(string Id, string Name, string? Industry, string? Type, string? Country,
    Money? AnnualRevenue, string? Owner, string Url);

public sealed record ContactSummary(string Id, string Name, string? Title, string? Email, string? Phone, string? AccountId,
    string? AccountName, string? Owner, string Url);

public sealed record OpportunitySummary(string Id, string Name, string? Stage, string Status, Money? Amount, string? CloseDate,
    string? AccountId, string? AccountName, string? Owner, string Url);

public sealed record ActivityInfo(string Id, string Kind, string? Subject, string? Status, string? When, string? Owner, string? Body);

/// <summary><see cref="Fields"/>: the extra allowlisted fields asked for, as text (dates ISO 8601, numbers invariant).</summary>
public sealed record AccountDetail(AccountSummary Account, IReadOnlyDictionary<string, string?> Fields,
    IReadOnlyList<ContactSummary> Contacts, IReadOnlyList<OpportunitySummary> OpenOpportunities,
    IReadOnlyList<ActivityInfo> RecentActivities);

public sealed record RankedAccount(int Rank, string AccountId, string Name, Money Amount, int Opportunities);

/// <summary>
/// <see cref="Scanned"/>: opportunities read to compute the ranking (HubSpot sums here); <see cref="CapReached"/> with
/// <see cref="CapNotice"/> when the scan stopped at the cap, so the totals may be low.
/// </summary>
public sealed record AccountRanking(string Query, IReadOnlyList<RankedAccount> Accounts, long Scanned, bool CapReached, string? CapNotice);

/// <summary><see cref="Writable"/>: on the write allowlist (Crm write tools accept it). <see cref="Values"/>: picklist values.</summary>
public sealed record FieldInfo(string Name, string Label, string Type, bool Filterable, bool Writable, IReadOnlyList<string> Values);

public sealed record ObjectDescription(string ObjectName, string ApiName, string Label, IReadOnlyList<FieldInfo> Fields);

/// <summary>A checked field value as it will be sent, for the preview: API name, label and the value as text.</summary>
public sealed record FieldValue(string Name, string Label, string Value);

public sealed record RecordWritten(string ObjectName, string Id, string Url);

/// <summary>API usage: <see cref="Used"/> of <see cref="Limit"/> calls in the provider's window (a day).</summary>
public sealed record ApiUsage(long Used, long Limit)
{
    public double Share => Limit <= 0 ? 0 : (double)Used / Limit;
}

public sealed record CrmCheck(string Provider, string Instance, string User, string? ApiVersion);
