using McpServers.Communication.Slack;

namespace McpServers.Communication.Tests.Slack;

public sealed class SlackMrkdwnTests
{
    private static readonly Dictionary<string, string> Users = new() { ["U0DANA0001"] = "Dana", ["U0LEE00001"] = "Lee Park" };
    private static readonly Dictionary<string, string> Channels = new() { ["C0RELEASE1"] = "release" };

    private static string Render(string text) =>
        SlackMrkdwn.Render(text, id => Users.GetValueOrDefault(id), id => Channels.GetValueOrDefault(id));

    [Theory]
    [InlineData("hello <@U0DANA0001>", "hello @Dana")]
    [InlineData("<@U0LEE00001|lee> and <@U0UNKNOWN9>", "@Lee Park and @U0UNKNOWN9")]
    [InlineData("see <#C0RANDOM01|random>", "see #random")]
    [InlineData("see <#C0RELEASE1>", "see #release")]
    [InlineData("see <#C0RANDOM01>", "see #C0RANDOM01")]
    [InlineData("<https://wiki.example/x|the plan>", "[the plan](https://wiki.example/x)")]
    [InlineData("<https://wiki.example/x>", "<https://wiki.example/x>")]
    [InlineData("<https://wiki.example/a(b)|label [1]>", "[label \\[1\\]](https://wiki.example/a%28b%29)")]
    [InlineData("<mailto:dana@example.com|Dana>", "[Dana](mailto:dana@example.com)")]
    [InlineData("<javascript:alert(1)|click>", "click")]
    [InlineData("<!here> <!channel> <!everyone>", "@here @channel @everyone")]
    [InlineData("<!subteam^S0123|@oncall> please", "@oncall please")]
    [InlineData("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014")]
    [InlineData("*bold* _italic_ ~strike~", "**bold** *italic* ~~strike~~")]
    [InlineData("*_both_*", "***both***")]
    [InlineData("snake_case_name and 2*3*4", "snake_case_name and 2*3*4")]
    [InlineData("a * b * c", "a * b * c")]
    [InlineData("*not\nbold*", "*not\nbold*")]
    [InlineData("`*code* &lt;tag&gt;`", "`*code* <tag>`")]
    [InlineData("```*kept* _as_ is```", "```\n*kept* _as_ is\n```")]
    [InlineData("a &amp; b &lt;c&gt;", "a & b <c>")]
    [InlineData("&amp;lt; stays one level", "&lt; stays one level")]
    [InlineData("lone ` backtick *bold*", "lone ` backtick **bold**")]
    public void Render_ConvertsMrkdwnToMarkdown(string mrkdwn, string markdown) => Assert.Equal(markdown, Render(mrkdwn));

    [Fact]
    public void Render_RemovesControlAndBidiCharacters()
    {
        string rendered = Render("safe\u202Etxt.exe\u200B \u0007bell");
        Assert.Equal("safetxt.exe bell", rendered);
    }

    [Fact]
    public void MentionedUsers_ListsEveryUserMention()
    {
        Assert.Equal(["U0DANA0001", "U0LEE00001"], SlackMrkdwn.MentionedUsers("<@U0DANA0001> and <@U0LEE00001|lee> <#C0RELEASE1>"));
    }

    [Theory]
    [InlineData("1764493200.000100", "2025-11-30T09:00:00Z")]
    [InlineData("0000000000.000000", "1970-01-01T00:00:00Z")]
    [InlineData("not-a-ts", "not-a-ts")]
    public void Iso_ConvertsTsToUtc(string ts, string iso) => Assert.Equal(iso, SlackTime.Iso(ts));

    [Fact]
    public void Parse_DateMeansTheWholeDayInUtc()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), SlackTime.Parse("2026-11-30", "oldest", endOfDay: false));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), SlackTime.Parse("2026-11-30", "latest", endOfDay: true));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), SlackTime.Parse("2026-11-30T09:00:00+01:00", "oldest", endOfDay: false));
        Assert.Equal("1764493200.000000", SlackTime.Ts(new DateTimeOffset(2025, 11, 30, 9, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("1764493200")]
    public void Parse_RefusesWhatIsNoIsoDate(string text)
    {
        var e = Assert.Throws<McpServers.Shared.Errors.ToolInputException>(() => SlackTime.Parse(text, "oldest", endOfDay: false));
        Assert.Contains("`oldest`", e.Message, StringComparison.Ordinal);
    }
}
