using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>Which setting keys a server accepts: derived from its options types and its --help entries.</summary>
public sealed class KnownSettingsTests
{
    private sealed class SampleOptions
    {
        public int MaxRowLimit { get; set; }

        public IReadOnlyList<string> AllowedSchemas { get; init; } = [];

        public NestedOptions Auth { get; set; } = new();

        public Dictionary<string, NestedOptions> Operations { get; set; } = [];

        public SampleOptions? Self { get; set; }

        // Computed: not a setting.
        public string Description => "computed";
    }

    private sealed record NestedOptions
    {
        public string? Mode { get; init; }
    }

    // Stands for a nested options type whose property metadata NativeAOT trimmed: no readable settable property.
    private sealed class TrimmedLookingOptions
    {
        public OpaqueOptions Backend { get; set; } = new();
    }

    private sealed class OpaqueOptions
    {
        public string Region => "local";
    }

    private sealed class RegionOptions
    {
        public string? Region { get; set; }
    }

    [Fact]
    public void NestedTypeWithoutReadableProperties_AcceptsKeysBelowIt_UnlessItsSectionIsRegistered()
    {
        var lenient = new KnownSettings();
        lenient.AddType("", typeof(TrimmedLookingOptions));
        var strict = new KnownSettings();
        strict.AddType("", typeof(TrimmedLookingOptions));
        strict.AddType("Backend", typeof(RegionOptions));

        Assert.Null(lenient.Problem("Backend:Region", hasValue: true));
        Assert.Null(lenient.Problem("Backend:Regoin", hasValue: true));
        Assert.NotNull(lenient.Problem("Backnd:Region", hasValue: true));
        Assert.Null(strict.Problem("Backend:Region", hasValue: true));
        Assert.Contains("did you mean 'Backend:Region'?", strict.Problem("Backend:Regoin", hasValue: true), StringComparison.Ordinal);
    }

    private static KnownSettings Sample()
    {
        var known = new KnownSettings();
        known.AddType("Database", typeof(SampleOptions));
        known.AddType("RateLimits", typeof(RateLimitOptions));
        known.AddKey("Operations:<operationId>:ReadOnly|Destructive");
        return known;
    }

    [Theory]
    [InlineData("Database:MaxRowLimit")]
    [InlineData("database:maxrowlimit")]
    [InlineData("Database:AllowedSchemas")]
    [InlineData("Database:AllowedSchemas:0")]
    [InlineData("Database:Auth:Mode")]
    [InlineData("Database:Operations:listItems:Mode")]
    [InlineData("Database:Self")] // a type that contains itself ends the walk instead of recursing forever
    [InlineData("RateLimits:Tools:any_tool_name")]
    [InlineData("Operations:getPet:Destructive")]
    public void KnownKeys_AreAccepted(string key) => Assert.Null(Sample().Problem(key, hasValue: true));

    [Theory]
    [InlineData("Database:MaxRowLimt", "unknown setting 'Database:MaxRowLimt'; did you mean 'Database:MaxRowLimit'?")]
    [InlineData("Database:Auth:Mod", "did you mean 'Database:Auth:Mode'?")]
    [InlineData("Databse:MaxRowLimit", "did you mean 'Database:MaxRowLimit'?")]
    [InlineData("Database:Description", "unknown setting 'Database:Description'; the settings under 'Database' are: AllowedSchemas, Auth, MaxRowLimit, Operations, Self.")]
    [InlineData("Operations:getPet:Idempotent", "unknown setting 'Operations:getPet:Idempotent'; the settings under 'Operations:getPet' are: Destructive, ReadOnly.")]
    [InlineData("Nothing", "unknown setting 'Nothing' (--help lists the settings).")]
    [InlineData("Database:Auth", "'Database:Auth' is a group of settings, not a setting")]
    [InlineData("RateLimits:Tools", "'RateLimits:Tools' is a group of settings, not a setting")]
    public void UnknownKeys_SayWhatIsWrongWithTheClosestName(string key, string expected) =>
        Assert.Contains(expected, Sample().Problem(key, hasValue: true), StringComparison.Ordinal);

    [Fact]
    public void AnEmptySection_IsNotAValue() => Assert.Null(Sample().Problem("Database:Auth", hasValue: false));
}
