using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Tests.Http;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Timeout", "00:30:00", "Jira:Http:Timeout must be between 100 ms and 10 min.")]
    [InlineData("MaxRetries", "50", "Jira:Http:MaxRetries must be between 0 and 10.")]
    [InlineData("Proxy", "proxy:3128", "Jira:Http:Proxy must be an absolute http:// or https:// URI")]
    [InlineData("Proxy", "http://user:pw@proxy:3128", "Jira:Http:Proxy must not contain a user name or password.")]
    [InlineData("ExtraCaBundle", "/nonexistent/ca.pem", "Jira:Http:ExtraCaBundle points to a file that does not exist.")]
    [InlineData("MaxRetryAfter", "01:00:00", "Jira:Http:MaxRetryAfter must be between 0 s and Jira:Http:TotalTimeout.")]
    [InlineData("MaxResponseBytes", "100", "Jira:Http:MaxResponseBytes must be between 1024 and 1073741824 (1 GB).")]
    [InlineData("MaxResponseBytes", "4294967296", "Jira:Http:MaxResponseBytes must be between 1024 and 1073741824 (1 GB).")]
    [InlineData("MaxTokenResponseBytes", "2097152", "Jira:Http:MaxTokenResponseBytes must be between 1024 and 1048576 (1 MB).")]
    [InlineData("MaxRedirects", "11", "Jira:Http:MaxRedirects must be between 0 and 10.")]
    [InlineData("DownloadHosts:0", "com", "Jira:Http:DownloadHosts holds 'com', which is not a host name with at least two labels")]
    [InlineData("DownloadHosts:0", "*.example.com", "Jira:Http:DownloadHosts holds '*.example.com'")]
    [InlineData("DownloadHosts:0", "https://files.example.com", "Jira:Http:DownloadHosts holds 'https://files.example.com'")]
    public async Task BadSetting_FailsStart_NamingTheSetting(string key, string value, string expected)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jira:Http:" + key] = value });
        builder.Services.AddBackendHttpClient("jira", builder.Configuration.GetSection("Jira:Http"), "Jira", "1.0.0");
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnparsableTimeSpan_FailsStart_NamingTheSetting()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jira:Http:Timeout"] = "thirty seconds" });
        builder.Services.AddBackendHttpClient("jira", builder.Configuration.GetSection("Jira:Http"), "Jira", "1.0.0");
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Jira:Http:Timeout must be a time span such as 00:00:30.", error.Failures);
    }

    [Fact]
    public async Task DownloadHostSuffixes_AreValid()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jira:Http:DownloadHosts:0"] = "graph.microsoft.com",
            ["Jira:Http:DownloadHosts:1"] = ".s3.eu-west-1.amazonaws.com",
            ["Jira:Http:DownloadHosts:2"] = "127.0.0.1",
        });
        builder.Services.AddBackendHttpClient("jira", builder.Configuration.GetSection("Jira:Http"), "Jira", "1.0.0");
        using IHost host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Defaults_AreValid()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBackendHttpClient("jira", builder.Configuration.GetSection("Jira:Http"), "Jira", "1.0.0");
        using IHost host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
