using McpServers.Communication.Slack;
using Microsoft.Extensions.Options;

namespace McpServers.Communication.Tests.Slack;

public sealed class SlackOptionsTests
{
    private static IReadOnlyList<string> Problems(SlackOptions options) =>
        new SlackOptionsValidator().Validate(null, options) is { Failed: true } result ? [.. result.Failures] : [];

    private static SlackOptions Valid() => new() { BotToken = FakeSlack.BotToken, Channels = ["#release", "C0RANDOM01"] };

    [Fact]
    public void Validate_AcceptsATokenAndChannels() => Assert.Empty(Problems(Valid()));

    [Fact]
    public void Validate_WithoutATokenSlackIsOff_AndNothingIsRequired() => Assert.Empty(Problems(new SlackOptions { Channels = [] }));

    [Fact]
    public void Validate_WithATokenChannelsAreRequired() =>
        Assert.Contains(Problems(Valid() with { Channels = [] }), p => p.StartsWith("Slack:Channels must list", StringComparison.Ordinal));

    [Theory]
    [InlineData("release channel")]
    [InlineData("#Release")]
    [InlineData("#-leading-dash")]
    [InlineData("https://x.slack.com/archives/C0RANDOM01")]
    public void Validate_RefusesChannelEntriesOfNoKnownShape(string entry) =>
        Assert.Contains(Problems(Valid() with { Channels = [entry] }), p => p.StartsWith("Slack:Channels:", StringComparison.Ordinal));

    [Theory]
    [InlineData("http://slack.com/api/", false)]
    [InlineData("https://user:pw@slack.com/api/", false)]
    [InlineData("https://slack.com/api/?x=1", false)]
    [InlineData("http://127.0.0.1:8080/api/", true)]
    [InlineData("https://slack.example.com/api/", true)]
    public void Validate_BaseUrlIsHttpsExceptOnLoopback(string url, bool valid) =>
        Assert.Equal(valid, !Problems(Valid() with { BaseUrl = new Uri(url) }).Any(p => p.StartsWith("Slack:BaseUrl", StringComparison.Ordinal)));

    [Fact]
    public void Validate_NamesTheEnvironmentVariableOfABadToken_WithoutTheToken()
    {
        IReadOnlyList<string> problems = Problems(Valid() with { UserToken = "xoxp-secret-value\nInjected: header" });
        string problem = Assert.Single(problems, p => p.Contains(SlackOptions.UserTokenEnvironment, StringComparison.Ordinal));
        Assert.DoesNotContain("secret-value", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 50, 4000, 4000, "Slack:MaxResults")]
    [InlineData(200, 300, 4000, 4000, "Slack:DefaultMaxResults")]
    [InlineData(200, 50, 10, 4000, "Slack:MaxMessageChars")]
    [InlineData(200, 50, 4000, 40001, "Slack:MaxPostChars")]
    public void Validate_NamesTheLimitOutOfRange(int max, int defaultMax, int messageChars, int postChars, string setting) =>
        Assert.Contains(Problems(Valid() with { MaxResults = max, DefaultMaxResults = defaultMax, MaxMessageChars = messageChars, MaxPostChars = postChars }),
            p => p.StartsWith(setting, StringComparison.Ordinal));

    [Fact]
    public void ToString_NeverShowsATokenValue() => Assert.DoesNotContain("xoxb", Valid().ToString(), StringComparison.Ordinal);
}
