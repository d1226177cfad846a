using Xunit;

namespace McpServers.Testing;

/// <summary>
/// The one rule for tests that need something outside the repository (PostgreSQL binaries, the JSON Schema Test
/// Suite): when it is missing, the test is skipped with a message naming what to install and where, so a fresh clone
/// passes; under <c>CI=true</c> a missing prerequisite fails the test instead, so CI can never go green by skipping.
/// </summary>
public static class Prerequisite
{
    /// <summary>True when the environment variable CI is "true" (as GitHub Actions and most CI systems set it).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the calling test with <paramref name="reason"/>, or fails it under CI.</summary>
    public static void Missing(string reason) => Missing(reason, IsCi);

    /// <summary>As <see cref="Missing(string)"/> with the CI decision made by the caller (for testing the rule itself).</summary>
    public static void Missing(string reason, bool ci)
    {
        if (ci)
        {
            Assert.Fail(reason + " (CI=true: missing prerequisites fail instead of skipping)");
        }

        Assert.Skip(reason);
    }

    /// <summary>
    /// For a fixture that starts a server: returns when it is <paramref name="available"/>; fails when it is
    /// <paramref name="installed"/> but did not start (a broken installation is not a skip); otherwise as <see cref="Missing(string)"/>.
    /// </summary>
    public static void RequireServer(bool available, bool installed, string? reason)
    {
        if (available)
        {
            return;
        }

        if (installed)
        {
            Assert.Fail(reason);
        }

        Missing(reason!);
    }
}
