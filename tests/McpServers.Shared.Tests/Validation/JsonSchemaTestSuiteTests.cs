using System.Text.Json;
using McpServers.Shared.Validation;
using McpServers.Testing;

namespace McpServers.Shared.Tests.Validation;

/// <summary>
/// The outside oracle: the official JSON Schema Test Suite (draft 2020-12 subset, beside the repository in
/// ../shared/testdata). Every case whose schema we accept must get the suite's verdict; refused schemas count as
/// unsupported, never as passed. The suite is not part of the repository: when it is missing these tests are skipped
/// with a message saying where to put it (and fail under CI=true), like the PostgreSQL tests.
/// </summary>
public sealed class JsonSchemaTestSuiteTests
{
    /// <summary>Names the suite folder instead of the default beside the repository.</summary>
    public const string EnvironmentVariable = "MCP_TEST_JSON_SCHEMA_SUITE";

    // The single theory row used when the suite is missing, so the skip (or CI failure) is reported, not a discovery error.
    private const string MissingSuiteRow = "(suite missing)";

    public static TheoryData<string> Files() => new(SuiteRows(SuiteDirectory()));

    // One row per suite file, or the single placeholder row when the suite is missing.
    private static List<string> SuiteRows(string suite) =>
        MissingReason(suite) is not null
            ? [MissingSuiteRow]
            : [.. SuiteFiles(suite).Select(file => Path.GetRelativePath(suite, file).Replace('\\', '/'))];

    [Theory]
    [MemberData(nameof(Files))]
    public void Suite_file_verdicts_match_for_every_supported_schema(string file)
    {
        string suite = RequireSuite(SuiteDirectory(), Prerequisite.IsCi);
        FileResult result = Run(Path.Combine(suite, file));

        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{file}: passed {result.Passed}, unsupported {result.Unsupported}, failed {result.Mismatches.Count}");
        foreach (string reason in result.UnsupportedReasons)
        {
            output?.WriteLine("  unsupported: " + reason);
        }

        Assert.True(result.Mismatches.Count == 0, $"{file}: {result.Mismatches.Count} mismatching cases:\n" + string.Join("\n", result.Mismatches));
    }

    [Fact]
    public void Suite_totals_every_supported_case_passes()
    {
        string suite = RequireSuite(SuiteDirectory(), Prerequisite.IsCi);
        int passed = 0, unsupported = 0, failed = 0;
        foreach (string file in SuiteFiles(suite))
        {
            FileResult result = Run(file);
            passed += result.Passed;
            unsupported += result.Unsupported;
            failed += result.Mismatches.Count;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"JSON Schema Test Suite: passed {passed}, unsupported {unsupported}, failed {failed}, total {passed + unsupported + failed}");
        Assert.Equal(0, failed);
        Assert.True(passed > 0, "no suite case was run");
        // Pinned so a change in coverage is a reviewed diff, not a silent drift.
        Assert.Equal(ExpectedPassed, passed);
        Assert.Equal(ExpectedUnsupported, unsupported);
    }

    [Fact]
    public void Missing_suite_is_one_row_that_says_what_to_install_and_where()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mcp-no-such-suite-" + Guid.NewGuid().ToString("N"));

        string? reason = MissingReason(missing);

        Assert.Equal([MissingSuiteRow], SuiteRows(missing));
        Assert.NotNull(reason);
        Assert.Contains(missing, reason, StringComparison.Ordinal);
        Assert.Contains(EnvironmentVariable, reason, StringComparison.Ordinal);
        Assert.Contains("JSON-Schema-Test-Suite", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_suite_fails_under_CI()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mcp-no-such-suite-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<Xunit.Sdk.FailException>(() => RequireSuite(missing, ci: true));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Suite_location_can_be_overridden()
    {
        string elsewhere = Path.Combine(Path.GetTempPath(), "suite-elsewhere");

        Assert.Equal(elsewhere, SuiteDirectory(elsewhere));
        Assert.EndsWith(Path.Combine("shared", "testdata", "json-schema-test-suite"), SuiteDirectory(null), StringComparison.Ordinal);
    }

    private const int ExpectedPassed = 830;
    private const int ExpectedUnsupported = 56;

    private sealed record FileResult(int Passed, int Unsupported, List<string> Mismatches, List<string> UnsupportedReasons);

    private static FileResult Run(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        int passed = 0, unsupported = 0;
        List<string> mismatches = [];
        List<string> reasons = [];
        foreach (JsonElement group in document.RootElement.EnumerateArray())
        {
            string groupName = group.GetProperty("description").GetString()!;
            JsonElement tests = group.GetProperty("tests");
            if (!JsonSchemaValidator.TryCompile(group.GetProperty("schema"), out JsonSchemaValidator? validator, out string? problem))
            {
                unsupported += tests.GetArrayLength();
                reasons.Add($"{groupName} ({tests.GetArrayLength()} cases): {problem}");
                continue;
            }

            foreach (JsonElement test in tests.EnumerateArray())
            {
                bool expected = test.GetProperty("valid").GetBoolean();
                IReadOnlyList<SchemaError> errors = validator.Validate(test.GetProperty("data"));
                if ((errors.Count == 0) == expected)
                {
                    passed++;
                }
                else
                {
                    mismatches.Add($"  [{groupName}] {test.GetProperty("description").GetString()}: expected valid={expected}, " +
                        $"data={test.GetProperty("data").GetRawText()}, errors={string.Join(" | ", errors.Select(e => e.Message))}");
                }
            }
        }

        return new FileResult(passed, unsupported, mismatches, reasons);
    }

    private static IEnumerable<string> SuiteFiles(string suite) =>
        Directory.EnumerateFiles(suite, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Returns the suite folder, or skips the test (fails it under CI) saying what is missing and where it goes.</summary>
    private static string RequireSuite(string suite, bool ci)
    {
        if (MissingReason(suite) is { } reason)
        {
            Prerequisite.Missing(reason, ci);
        }

        return suite;
    }

    private static string? MissingReason(string suite) =>
        Directory.Exists(suite) && Directory.EnumerateFiles(suite, "*.json", SearchOption.AllDirectories).Any()
            ? null
            : $"The JSON Schema Test Suite was not found at {suite}. Copy into that folder (by default " +
              "../shared/testdata/json-schema-test-suite beside the repository) the draft 2020-12 files of " +
              "github.com/json-schema-org/JSON-Schema-Test-Suite at commit 44401e0c: from tests/draft2020-12, the files " +
              "of the keywords the validator enforces (DESIGN.md §3.4) and optional/format/{date,date-time,email,uri,uuid}.json " +
              $"(the expected totals are pinned to that subset), or set {EnvironmentVariable} to a folder holding them.";

    private static string SuiteDirectory() => SuiteDirectory(Environment.GetEnvironmentVariable(EnvironmentVariable));

    // The default is beside the repository: <repository>/../shared/testdata/json-schema-test-suite.
    private static string SuiteDirectory(string? overridden)
    {
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return overridden;
        }

        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "McpServers.sln")))
        {
            dir = dir.Parent;
        }

        DirectoryInfo repository = dir ?? new DirectoryInfo(AppContext.BaseDirectory);
        string parent = repository.Parent?.FullName ?? repository.FullName;
        return Path.Combine(parent, "shared", "testdata", "json-schema-test-suite");
    }
}
