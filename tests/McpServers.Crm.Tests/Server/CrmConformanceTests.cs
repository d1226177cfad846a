using System.Text.Json.Nodes;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Server;

/// <summary>The conformance base; the property run talks to the fake Salesforce org with writes allowed.</summary>
public sealed class CrmConformanceTests : ServerConformanceTests<CrmServerUnderTest>
{
    protected override CrmServerUnderTest Server { get; } = new();

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["account_id"] = Values(FakeSalesforce.AcmeId, FakeSalesforce.GlobexId, FakeSalesforce.HiddenAccountId, "001000000000000"),
            ["record_id"] = Values(FakeSalesforce.AcmeId, FakeSalesforce.JaneId, FakeSalesforce.AcmeRenewalId),
            ["owner"] = Values("me", FakeSalesforce.MyUserId, FakeSalesforce.OtherUserId),
            ["period"] = Values("2026-Q4", "this_quarter", "2026-11", "last_year"),
            ["stages[]"] = Values("Closed Won", "Negotiation"),
            ["industries[]"] = Values("Technology", "Manufacturing"),
            ["types[]"] = Values("Customer", "Partner"),
            ["fields[]"] = Values("Industry", "Website", "AnnualRevenue"),
            ["kinds[]"] = Values("task", "call", "meeting"),
            ["close_date_from"] = Values("2026-01-15", "2024-02-29"),
            ["close_date_before"] = Values("2026-12-31"),
            ["cursor"] = [null],
        },
    };

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        FakeSalesforce salesforce = await FakeSalesforce.StartAsync(Ct);
        return new PropertyRunBackend(salesforce.Settings(), salesforce);
    }

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}

/// <summary>mcp-crm in front of a hostile Salesforce host: retries off, so each call is one clear attempt.</summary>
public sealed class CrmHttpBackend : IHttpBackendServer
{
    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) => services.AddCrmServer(configuration);

    public IReadOnlyDictionary<string, string?> SettingsFor(Uri backend) => CrmServerUnderTest.SettingsFor(backend);

    public string HttpSection => "Salesforce:Http";

    /// <summary>A search: the gateway caches describe, so only a query reaches the backend on every call.</summary>
    public (string Tool, JsonObject Arguments) BackendCall => ("crm_search_accounts", []);
}

public sealed class CrmHttpConformanceTests : HttpBackendConformanceTests<CrmHttpBackend>
{
    protected override CrmHttpBackend Server { get; } = new();
}
