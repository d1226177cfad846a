using McpServers.Communication.Guards;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpServers.Communication.Tests.Guards;

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Guards read from settings as the server reads them, with the ledger in a fresh temporary folder.</summary>
internal sealed class GuardHarness
{
    public GuardHarness(IDictionary<string, string?>? settings = null, string? storePath = null)
    {
        StorePath = storePath ?? Path.Combine(Directory.CreateTempSubdirectory("mcp-guards-").FullName, "ledger", "sends.json");
        var all = new Dictionary<string, string?>
        {
            ["Guards:AllowedRecipientDomains"] = "example.test,*.corp.test",
            ["Guards:StorePath"] = StorePath,
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        Options = GuardOptions.FromConfiguration(Configuration);
    }

    public string StorePath { get; }

    public IConfiguration Configuration { get; }

    public GuardOptions Options { get; }

    public ManualClock Clock { get; } = new();

    /// <summary>A new guard over the same ledger, as a restarted or a second server process would have.</summary>
    public SendGuard NewGuard() => new(Options, Clock, NullLogger<SendGuard>.Instance);
}
