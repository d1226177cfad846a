namespace McpServers.Testing.Conformance;

/// <summary>
/// Change control for tool definitions: the <c>--print-tools</c> manifest is committed beside each server's tests,
/// and any change to a name, description, schema or annotation fails until the snapshot is updated on purpose
/// (run the tests with <c>UPDATE_SNAPSHOTS=1</c> and review the diff).
/// </summary>
public static class ManifestSnapshot
{
    public static void AssertMatches(string repositoryRelativePath, string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        string path = Path.Combine(RepositoryRoot(), repositoryRelativePath);
        string normalized = actual.ReplaceLineEndings("\n").TrimEnd() + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, normalized);
            return;
        }

        if (!File.Exists(path))
        {
            throw new Xunit.Sdk.XunitException($"No tool manifest snapshot at {repositoryRelativePath}. Run the tests once with UPDATE_SNAPSHOTS=1, review and commit it.");
        }

        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != normalized)
        {
            throw new Xunit.Sdk.XunitException(
                $"The tool manifest changed ({repositoryRelativePath}). If the change is intended, run the tests with UPDATE_SNAPSHOTS=1 and commit the reviewed diff.\n{FirstDifference(expected, normalized)}");
        }
    }

    /// <summary>The folder holding McpServers.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpServers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("McpServers.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>";
            string al = i < a.Length ? a[i] : "<end>";
            if (el != al)
            {
                return $"line {i + 1}:\n  snapshot: {el}\n  actual:   {al}";
            }
        }

        return string.Empty;
    }
}
