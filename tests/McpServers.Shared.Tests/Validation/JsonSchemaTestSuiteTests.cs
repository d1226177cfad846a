using System.Text.Json;
using McpServers.Shared.Validation;

namespace McpServers.Shared.Tests.Validation;

/// <summary>
/// The outside oracle: the official JSON Schema Test Suite (draft 2020-12 subset, beside the repository in
/// ../shared/testdata). Every case whose schema we accept must get the suite's verdict; refused schemas count as
/// unsupported, never as passed.
/// </summary>
public sealed class JsonSchemaTestSuiteTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in SuiteFiles())
        {
            data.Add(Path.GetRelativePath(SuiteDirectory(), file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Suite_file_verdicts_match_for_every_supported_schema(string file)
    {
        FileResult result = Run(Path.Combine(SuiteDirectory(), file));

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
        int passed = 0, unsupported = 0, failed = 0;
        foreach (string file in SuiteFiles())
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

    private static IEnumerable<string> SuiteFiles() =>
        Directory.EnumerateFiles(SuiteDirectory(), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static string SuiteDirectory()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "McpServers.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            throw new InvalidOperationException($"Could not find the repository root (McpServers.sln) above {AppContext.BaseDirectory}.");
        }

        string suite = Path.Combine(dir.Parent.FullName, "shared", "testdata", "json-schema-test-suite");
        if (!Directory.Exists(suite))
        {
            throw new InvalidOperationException($"The JSON Schema Test Suite was expected at {suite} (beside the repository) but is missing.");
        }

        return suite;
    }
}
