using System.Text;
using McpServers.Communication.Calendar.Ical;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>The iCalendar line writer: CRLF, folding at 75 octets without splitting a character, TEXT escaping, parameter quoting.</summary>
public sealed class ContentLinesTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Folding_KeepsEveryLineWithin75Octets_NeverSplitsACharacter_AndUnfoldsToTheOriginal(int octetsPerCharacter)
    {
        string unit = octetsPerCharacter switch { 1 => "a", 2 => "é", 3 => "会", _ => "😀" };
        string summary = string.Concat(Enumerable.Repeat(unit, 200)) + " end";

        string written = new ContentLines().Text("SUMMARY", summary).ToString();

        byte[] bytes = Encoding.UTF8.GetBytes(written);
        string[] physical = written.Split("\r\n");
        Assert.Equal("", physical[^1]);
        Assert.True(physical.Length > 3);
        foreach (string line in physical[..^1])
        {
            byte[] lineBytes = Encoding.UTF8.GetBytes(line);
            Assert.InRange(lineBytes.Length, 1, 75);
            // Each physical line is valid UTF-8 on its own: no sequence was cut by a fold.
            Assert.Equal(line, StrictUtf8.GetString(lineBytes));
        }

        Assert.All(physical[1..^1], l => Assert.StartsWith(" ", l, StringComparison.Ordinal));
        Assert.Equal("SUMMARY:" + summary, written.Replace("\r\n ", "", StringComparison.Ordinal).TrimEnd('\r', '\n'));
        Assert.Equal(bytes.Length, StrictUtf8.GetByteCount(written));
    }

    [Fact]
    public void Folding_FillsLinesToExactly75Octets()
    {
        string written = new ContentLines().Property("X-TEST", new string('x', 200)).ToString();

        string[] lines = written.Split("\r\n")[..^1];
        Assert.Equal(75, lines[0].Length);
        Assert.Equal(75, lines[1].Length);
        Assert.Equal(" " + new string('x', 200 - 68 - 74), lines[2]);
    }

    [Fact]
    public void EveryLineEndsWithCrLf_AndNoBareLineFeedRemains()
    {
        string written = new ContentLines().Begin("VCALENDAR").Text("DESCRIPTION", "one\ntwo\n\nthree").End("VCALENDAR").ToString();

        Assert.Equal("BEGIN:VCALENDAR\r\nDESCRIPTION:one\\ntwo\\n\\nthree\r\nEND:VCALENDAR\r\n", written);
        Assert.Equal(written.Split('\n').Length - 1, written.Split("\r\n").Length - 1);
    }

    [Theory]
    [InlineData("a,b", "a\\,b")]
    [InlineData("a;b", "a\\;b")]
    [InlineData("C:\\path", "C:\\\\path")]
    [InlineData("line1\nline2", "line1\\nline2")]
    [InlineData("tab\there", "tab\there")]
    [InlineData("\"quoted\"", "\"quoted\"")]
    public void TextValues_AreEscaped(string text, string expected)
    {
        Assert.Equal(expected, ContentLines.EscapeText(text));
    }

    [Theory]
    [InlineData("a\rb")]
    [InlineData("a\u0000b")]
    [InlineData("a\u001bb")]
    [InlineData("a\u007fb")]
    public void TextValues_WithOtherControlCharacters_Throw(string text)
    {
        Assert.Throws<ArgumentException>(() => ContentLines.EscapeText(text));
    }

    [Theory]
    [InlineData("Dana Scully", "Dana Scully")]
    [InlineData("Scully, Dana", "\"Scully, Dana\"")]
    [InlineData("a;b", "\"a;b\"")]
    [InlineData("x:y", "\"x:y\"")]
    public void ParameterValues_AreQuotedWhenTheyHoldSeparators(string value, string expected)
    {
        Assert.Equal(expected, ContentLines.ParameterValue(value));
    }

    [Theory]
    [InlineData("Dana\" ;ROLE=CHAIR")]
    [InlineData("Dana\r\nATTENDEE:mailto:evil@x.test")]
    [InlineData("Dana\nX")]
    public void ParameterValues_WithADoubleQuoteOrALineBreak_Throw(string value)
    {
        Assert.Throws<ArgumentException>(() => new ContentLines().Property("ATTENDEE", "mailto:a@b.test", ("CN", value)));
    }

    [Theory]
    [InlineData("20261203T100000\r\nATTENDEE:mailto:evil@x.test")]
    [InlineData("mailto:a@b.test\nX")]
    public void RawValues_WithALineBreak_Throw(string value)
    {
        Assert.Throws<ArgumentException>(() => new ContentLines().Property("DTSTART", value));
    }

    [Fact]
    public void Parameters_AreWrittenInOrder_BeforeTheValue()
    {
        string written = new ContentLines().Property("ATTENDEE", "mailto:dana@a.test", ("CN", "Scully, Dana"), ("ROLE", "REQ-PARTICIPANT")).ToString();

        Assert.Equal("ATTENDEE;CN=\"Scully, Dana\";ROLE=REQ-PARTICIPANT:mailto:dana@a.test\r\n", written);
    }
}
