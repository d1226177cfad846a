using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Tests.Settings;

/// <summary>The one options idiom (AddSettings): values refused naming Section:Key, list settings in both forms.</summary>
public sealed class SettingsOptionsTests
{
    [Theory]
    [InlineData("Policy:ReadOnly", "maybe", "Policy:ReadOnly must be true or false.")]
    [InlineData("Concurrency:MaxCalls", "many", "Concurrency:MaxCalls must be a whole number.")]
    [InlineData("Confirmation:TokenLifetime", "soon", "Confirmation:TokenLifetime must be a time span such as 00:00:30.")]
    [InlineData("CheckThrows", "Sometimes", "CheckThrows must be None, Backend, Unauthorized, Http, Timeout or Bug.")]
    [InlineData("CheckThrows", "2", "CheckThrows must be None, Backend, Unauthorized, Http, Timeout or Bug.")]
    public void AValueTheTypeCannotHold_IsRefusedNamingSectionAndKey(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => TestServerUnderTest.Start(new Dictionary<string, string?> { [key] = value }));

        string failures = error is OptionsValidationException o ? string.Join(" ", o.Failures) : error.Message;
        Assert.Contains(message, failures, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerValidator_RunsAtStart_WithItsMessage()
    {
        var error = Assert.ThrowsAny<Exception>(() => TestServerUnderTest.Start(new Dictionary<string, string?> { ["Backend:Region"] = "EU West" }));

        Assert.Contains("Backend:Region must be lower-case letters and dashes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListSettings_AcceptTheArrayFormOfAConfigFile()
    {
        await using InMemoryMcpServer host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:Tools:0"] = "test_echo",
            ["Policy:Tools:1"] = " test_fail ",
            ["Policy:ExcludeTools"] = "test_fail",
            ["Confirmation:Require:0"] = "test_echo",
        });

        PolicyOptions policy = host.Services.GetRequiredService<IOptions<PolicyOptions>>().Value;
        Assert.Equal(["test_echo", "test_fail"], policy.Tools);
        Assert.Equal(["test_fail"], policy.ExcludeTools);
        Assert.Equal(["test_echo"], host.Services.GetRequiredService<IOptions<ConfirmationOptions>>().Value.Require);
        Assert.Equal(["test_echo"], host.Services.GetRequiredService<ToolRegistry>().Visible.Select(t => t.Name));
    }

    [Theory]
    [InlineData("Confirmation:TokenLifetime")]
    [InlineData("Jira:Http:MaxTokenResponseBytes")]
    public void LimitsOnATokenAreNotSecrets_SoTheyMayBeSetOnTheCommandLine(string key) =>
        Assert.False(CommandLine.IsSecretSetting(key, TestServer.TestServer.Identity));

    [Fact]
    public void HttpDownloadHosts_IsAListSetting_CommaSeparatedOrIndexed()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Http:DownloadHosts"] = "files.example.com, cdn.example.com",
            ["Http:DownloadHosts:0"] = "s3.example.com",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBackendHttpClient("api", configuration.GetSection("Http"), "Api", "1.0.0");
        using ServiceProvider provider = services.BuildServiceProvider();

        BackendHttpOptions options = provider.GetRequiredService<IOptionsMonitor<BackendHttpOptions>>().Get("api");

        Assert.Equal(["files.example.com", "cdn.example.com", "s3.example.com"], options.DownloadHosts);
    }
}
