using System.Collections.Concurrent;
using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Tests.Tools;

/// <summary>
/// An in-memory <see cref="ICrmGateway"/> for the tool tests: it answers with what a test sets and records what the
/// tools asked for (filters, page requests, periods), so a test can assert on exactly what reached the gateway.
/// Provider behaviour (queries, escaping, allowlists) is tested over the vendor fakes, not here.
/// </summary>
internal sealed class RecordingCrmGateway : ICrmGateway
{
    public string Provider { get; set; } = "Salesforce";

    public ApiUsage? Usage { get; set; }

    public int? CrmFiscalYearStartMonth { get; set; }

    public int FiscalYearCalls;

    public ConcurrentQueue<object> Received { get; } = new();

    public IReadOnlyList<AccountSummary> Accounts { get; set; } = [Account("001A", "Acme")];

    public string? NextCursor { get; set; }

    public string? Ceiling { get; set; }

    public long? Total { get; set; }

    public AccountRanking Ranking { get; set; } = new("SELECT AccountId, SUM(Amount) expr0 ...",
        [new RankedAccount(1, "001A", "Acme", new Money(1_250_000m, "USD"), 3), new RankedAccount(2, "001B", "Globex", new Money(400_000.5m, "USD"), 1)],
        4, false, null);

    /// <summary>Thrown by every call when set (e.g. the provider refusing past the hard usage share).</summary>
    public Exception? Failure { get; set; }

    public List<IReadOnlyDictionary<string, JsonElement>> Written { get; } = [];

    public static AccountSummary Account(string id, string name) =>
        new(id, name, "Technology", "Customer", "Germany", new Money(5_000_000m, "EUR"), "Jane Rep", $"https://crm.example/{id}");

    public T Last<T>() => Received.OfType<T>().Last();

    private Task<T> Answer<T>(T value, params object[] received)
    {
        foreach (object r in received)
        {
            Received.Enqueue(r);
        }

        return Failure is not null ? Task.FromException<T>(Failure) : Task.FromResult(value);
    }

    private RecordPage<T> Page<T>(IReadOnlyList<T> records, PageRequest page) =>
        new("query", [.. records.Take(page.Size)], Total, NextCursor, page.Size, Ceiling);

    public Task<RecordPage<AccountSummary>> SearchAccountsAsync(AccountFilter filter, PageRequest page, CancellationToken cancellationToken) =>
        Answer(Page(Accounts, page), filter, page);

    public Task<AccountDetail> GetAccountAsync(string accountId, AccountDetailRequest request, CancellationToken cancellationToken) =>
        accountId == "001MISSING"
            ? Task.FromException<AccountDetail>(new BackendException(BackendErrorKind.NotFound, "The record was not found or is not visible to you."))
            : Answer(new AccountDetail(Account(accountId, "Acme"), new Dictionary<string, string?> { ["Website"] = "https://acme.example" },
                [new ContactSummary("003C", "Ada Ng", "CFO", "ada@acme.example", null, accountId, "Acme", "Jane Rep", "https://crm.example/003C")],
                [new OpportunitySummary("006O", "Acme renewal", "Negotiation", "open", new Money(120_000m, "USD"), "2026-06-30", accountId, "Acme", "Jane Rep", "https://crm.example/006O")],
                [new ActivityInfo("00TA", "call", "Renewal call", "Completed", "2026-05-18", "Jane Rep", "Talked about\nthe renewal")]), request);

    public Task<RecordPage<ContactSummary>> SearchContactsAsync(ContactFilter filter, PageRequest page, CancellationToken cancellationToken) =>
        Answer(Page<ContactSummary>([new("003C", "Ada Ng", "CFO", "ada@acme.example", "+49 30 1", "001A", "Acme", "Jane Rep", "https://crm.example/003C")], page), filter, page);

    public Task<RecordPage<OpportunitySummary>> SearchOpportunitiesAsync(OpportunityFilter filter, PageRequest page, CancellationToken cancellationToken) =>
        Answer(Page<OpportunitySummary>([new("006O", "Acme renewal", "Negotiation", "open", new Money(120_000m, "USD"), "2026-06-30", "001A", "Acme", "Jane Rep", "https://crm.example/006O")], page), filter, page);

    public Task<AccountRanking> TopAccountsAsync(RankingRequest request, CancellationToken cancellationToken) => Answer(Ranking, request);

    public Task<RecordPage<ActivityInfo>> ListActivitiesAsync(string recordId, ActivityFilter filter, PageRequest page, CancellationToken cancellationToken) =>
        Answer(Page<ActivityInfo>([new("00TA", "call", "Renewal call", "Completed", "2026-05-18", "Jane Rep", null)], page), recordId, filter, page);

    public Task<ObjectDescription> DescribeObjectAsync(CrmObjectKind kind, CancellationToken cancellationToken) =>
        Answer(new ObjectDescription(kind.ToString(), kind.ToString(), kind.ToString(),
            [new FieldInfo("StageName", "Stage", "picklist", true, true, ["Prospecting", "Closed Won"]), new FieldInfo("Name", "Name", "string", true, false, [])]), kind);

    public Task<int?> FiscalYearStartMonthAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref FiscalYearCalls);
        return Task.FromResult(CrmFiscalYearStartMonth);
    }

    public Task<IReadOnlyList<FieldValue>> CheckWriteAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        if (fields.ContainsKey("OwnerId"))
        {
            return Task.FromException<IReadOnlyList<FieldValue>>(new ToolInputException("`fields`: OwnerId is not writable. Writable fields: StageName, NextStep, CloseDate."));
        }

        return Answer<IReadOnlyList<FieldValue>>([.. fields.Select(f => new FieldValue(f.Key, f.Key + " label", f.Value.ToString()))], kind);
    }

    public Task<RecordWritten> CreateRecordAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        Written.Add(fields);
        return Answer(new RecordWritten(kind.ToString(), "NEW1", "https://crm.example/NEW1"), kind);
    }

    public Task<RecordWritten> UpdateRecordAsync(CrmObjectKind kind, string recordId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        Written.Add(fields);
        return Answer(new RecordWritten(kind.ToString(), recordId, $"https://crm.example/{recordId}"), kind, recordId);
    }

    public Task<RecordWritten> LogActivityAsync(NewActivity activity, CancellationToken cancellationToken) =>
        Answer(new RecordWritten("Task", "00TNEW", "https://crm.example/00TNEW"), activity);

    public Task<CrmCheck> CheckAsync(CancellationToken cancellationToken) =>
        Answer(new CrmCheck(Provider, "https://crm.example", "jane@example.com", "v62.0"));
}
