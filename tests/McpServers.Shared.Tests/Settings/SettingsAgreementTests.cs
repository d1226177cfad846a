using McpServers.Shared.Hosting;
using McpServers.Testing.Options;
using McpServers.TestServer;

namespace McpServers.Shared.Tests.Settings;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void TestServer_HelpAndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(TestServer.TestServer.Identity, (services, configuration) => services.AddTestServer(configuration))
            .Problems(serverJsonPath: null);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Disagreements_AreEachNamed()
    {
        ServerIdentity identity = TestServer.TestServer.Identity with
        {
            // FailCheck no longer listed, a listed setting no options type binds, a secret listed as an ordinary setting.
            Settings = [.. TestServer.TestServer.Identity.Settings.Where(s => s.Key != "FailCheck" && s.Key != "ApiKey"),
                new SettingHelp("Retries", "Not an option."), new SettingHelp("ApiKey", "Not marked secret.")],
            Switches = [],
        };

        IReadOnlyList<string> problems = new SettingsAgreement(identity, (services, configuration) => services.AddTestServer(configuration))
            .Problems(serverJsonPath: null);

        Assert.Contains("'FailCheck' is a setting (an options property) that --help does not list.", problems);
        Assert.Contains("--help lists 'Retries', which no options type binds.", problems);
        Assert.Contains("--help lists 'ApiKey' without Secret: true, but the host treats it as a secret.", problems);
        Assert.Equal(3, problems.Count);
    }
}
