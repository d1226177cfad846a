using System.Text.Json;
using McpServers.InternalApi.Backend;
using McpServers.Shared.Errors;

namespace McpServers.InternalApi.Tests.Backend;

public sealed class RequestBuilderTests
{
    private static readonly RequestBuilder Builder = new(new Uri("https://inventory.internal:8443/api/v2/"));

    private static ApiOperation Operation(string method, string path, params ApiParameter[] parameters) => new()
    {
        ToolName = "t",
        Method = new HttpMethod(method),
        PathTemplate = path,
        Title = "t",
        Description = "t",
        Parameters = parameters,
        InputSchema = JsonDocument.Parse("{}").RootElement,
        ReadOnly = true,
        Destructive = false,
        Idempotent = true,
    };

    private static Dictionary<string, JsonElement> Args(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static readonly ApiParameter Id = new("id", ParameterIn.Path, true, QueryStyle.Form, false);

    [Theory]
    [InlineData("../../admin", "/api/v2/items/..%2F..%2Fadmin/stock")]
    [InlineData("//evil.example/x", "/api/v2/items/%2F%2Fevil.example%2Fx/stock")]
    [InlineData("http://evil.example/", "/api/v2/items/http%3A%2F%2Fevil.example%2F/stock")]
    [InlineData("%2e%2e%2f", "/api/v2/items/%252e%252e%252f/stock")]
    [InlineData("a?b#c", "/api/v2/items/a%3Fb%23c/stock")]
    [InlineData("..\\x", "/api/v2/items/..%5Cx/stock")]
    [InlineData("@evil.example", "/api/v2/items/%40evil.example/stock")]
    [InlineData("élan 1", "/api/v2/items/%C3%A9lan%201/stock")]
    public void PathParameter_IsEncodedAsOneSegment_OnTheBaseUrl(string id, string expectedPath)
    {
        using HttpRequestMessage request = Builder.Build(Operation("GET", "/items/{id}/stock", Id), Args(new { id }));

        Assert.Equal("https://inventory.internal:8443" + expectedPath, request.RequestUri!.OriginalString);
        Assert.Equal("inventory.internal", request.RequestUri.Host);
        Assert.Equal(expectedPath, request.RequestUri.AbsolutePath);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    public void DotSegmentsAndEmptyValues_AreRefusedBeforeSending(string id)
    {
        var e = Assert.Throws<ToolInputException>(() => Builder.Build(Operation("GET", "/items/{id}", Id), Args(new { id })));
        Assert.Contains("`id`", e.Message, StringComparison.Ordinal);
    }

    private static readonly ApiParameter MultiSegmentId = Id with { MultiSegment = true };

    [Theory]
    [InlineData("a/b/c", "/api/v2/items/a/b/c/stock")]
    [InlineData("docs/r\u00e9sum\u00e9 1.pdf", "/api/v2/items/docs/r%C3%A9sum%C3%A9%201.pdf/stock")]
    [InlineData("a?b/c#d/%41", "/api/v2/items/a%3Fb/c%23d/%2541/stock")]
    [InlineData("x:y/@z", "/api/v2/items/x%3Ay/%40z/stock")]
    public void MultiSegmentPathParameter_IsSplitAtSlashes_EachSegmentEncoded(string id, string expectedPath)
    {
        using HttpRequestMessage request = Builder.Build(Operation("GET", "/items/{id}/stock", MultiSegmentId), Args(new { id }));

        Assert.Equal("https://inventory.internal:8443" + expectedPath, request.RequestUri!.OriginalString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("%2e%2e/a")]
    [InlineData("a/%2E%2e")]
    [InlineData("a/%252e%252e/b")]
    [InlineData("a%2Fb")]
    [InlineData("a%252fb")]
    [InlineData("a%5Cb")]
    [InlineData("a\\b")]
    [InlineData("..\\x")]
    public void MultiSegmentPathParameter_ThatCouldStepOutOfThePath_IsRefused(string id)
    {
        var e = Assert.Throws<ToolInputException>(() => Builder.Build(Operation("GET", "/items/{id}", MultiSegmentId), Args(new { id })));
        Assert.StartsWith("`id` is a path of segments", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathTemplateThatWouldEscape_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Builder.Build(Operation("GET", "/../../etc/passwd"), Args(new { })));
    }

    [Fact]
    public void QueryArrays_FollowStyleAndExplode()
    {
        ApiParameter[] parameters =
        [
            new("a", ParameterIn.Query, false, QueryStyle.Form, true),
            new("b", ParameterIn.Query, false, QueryStyle.Form, false),
            new("c", ParameterIn.Query, false, QueryStyle.PipeDelimited, false),
            new("d", ParameterIn.Query, false, QueryStyle.SpaceDelimited, false),
            new("e", ParameterIn.Query, false, QueryStyle.Form, true),
        ];
        using HttpRequestMessage request = Builder.Build(Operation("GET", "/items", parameters),
            Args(new { a = new[] { "x", "y&z" }, b = new[] { 1, 2 }, c = new[] { "p", "q" }, d = new[] { "s", "t" }, e = true, f = "undeclared" }));

        Assert.Equal("?a=x&a=y%26z&b=1,2&c=p%7Cq&d=s%20t&e=true", request.RequestUri!.Query);
    }

    [Fact]
    public void HeaderValues_WithLineBreaks_AreRefused()
    {
        ApiParameter header = new("X-Trace", ParameterIn.Header, false, QueryStyle.Form, false);
        Assert.Throws<ToolInputException>(() => Builder.Build(Operation("GET", "/items", header), Args(new Dictionary<string, string> { ["X-Trace"] = "a\r\nHost: evil" })));
    }

    [Theory]
    [InlineData("10", "10")]
    [InlineData("1e1", "10")]
    [InlineData("10.0", "10")]
    [InlineData("-2.50e1", "-25")]
    [InlineData("100e-2", "1")]
    [InlineData("0.000", "0")]
    [InlineData("-0", "0")]
    [InlineData("1.5", "1.5")]
    [InlineData("1e-1", "1e-1")]
    [InlineData("0.10", "0.10")]
    public void Number_IntegralValuesAreWrittenAsPlainDigits_OthersAsSent(string raw, string expected) =>
        Assert.Equal(expected, RequestBuilder.Number(raw));
}
