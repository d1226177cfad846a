namespace McpServers.Shared.Hosting;

/// <summary>
/// The administrator's machine-wide settings file: a JSON settings file (as <c>--config</c>) at a fixed,
/// system-owned path per server. The keys it sets win over the command line, the environment and <c>--config</c>
/// (read-only mode, allowlists, audit path, approved manifest …), so a user cannot undo a policy from their own
/// client configuration; keys it leaves out stay the user's. Neither the environment nor an argument can move it.
/// </summary>
public static class MachinePolicy
{
    /// <summary>
    /// <c>/etc/mcp-servers/&lt;command&gt;.json</c> on Linux, <c>/Library/Application Support/McpServers/…</c> on macOS,
    /// <c>C:\ProgramData\McpServers\…</c> (the known folder, not the variable) on Windows.
    /// </summary>
    public static string PathFor(string command, string? directory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return Path.Combine(directory ?? DefaultDirectory, command + ".json");
    }

    public static string DefaultDirectory =>
        OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData, Environment.SpecialFolderOption.DoNotVerify), "McpServers")
            : OperatingSystem.IsMacOS() ? "/Library/Application Support/McpServers" : "/etc/mcp-servers";
}
