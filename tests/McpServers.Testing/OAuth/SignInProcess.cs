using System.Text.RegularExpressions;
using McpServers.Testing.Hosting;
using Xunit;

namespace McpServers.Testing.OAuth;

/// <summary>A server's <c>login</c> verb run as a process, with the test playing the user (and the user's browser).</summary>
public static partial class SignInProcess
{
    /// <summary>
    /// Runs <paramref name="arguments"/> (starting with <c>login --no-browser</c>), follows the address it prints as the
    /// browser would (the authorization server redirects to the loopback callback), and returns its stderr.
    /// </summary>
    public static async Task<string> LoginInBrowserAsync(string executable, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        await using var login = StdioMcpProcess.Start(executable, arguments, environment);
        string address = await login.WaitForStderrAsync(l => l.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        using (var browser = new HttpClient())
        {
            (await browser.GetAsync(new Uri(address.Trim()), cancellationToken)).Dispose();
        }

        return await FinishedAsync(login);
    }

    /// <summary>Runs <paramref name="arguments"/> (starting with <c>login --device-code</c>), approves the code it shows, returns its stderr.</summary>
    public static async Task<string> LoginWithDeviceCodeAsync(string executable, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment, FakeAuthorizationServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using var login = StdioMcpProcess.Start(executable, arguments, environment);
        // The user reads the code and enters it on another device's browser.
        string line = await login.WaitForStderrAsync(l => l.Contains("enter the code", StringComparison.Ordinal));
        server.Approve(UserCode().Match(line).Groups[1].Value);
        return await FinishedAsync(login);
    }

    /// <summary>Fails when <paramref name="printed"/> holds any token <paramref name="server"/> issued, or the canary prefix.</summary>
    public static void AssertNoToken(FakeAuthorizationServer server, string printed)
    {
        ArgumentNullException.ThrowIfNull(server);
        Assert.NotEmpty(server.IssuedTokens);
        Assert.All(server.IssuedTokens, token => Assert.DoesNotContain(token, printed, StringComparison.Ordinal));
        Assert.DoesNotContain("CANARY-", printed, StringComparison.Ordinal);
    }

    private static async Task<string> FinishedAsync(StdioMcpProcess login)
    {
        Assert.Equal(0, await login.CloseAndWaitAsync());
        Assert.Empty(login.StdoutLines);
        return login.Stderr;
    }

    [GeneratedRegex("enter the code ([0-9A-F]{4}-[0-9A-F]{4})")]
    private static partial Regex UserCode();
}
