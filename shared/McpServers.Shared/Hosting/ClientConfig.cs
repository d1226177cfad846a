using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Shared.Hosting;

/// <summary>
/// <c>--print-config &lt;client&gt;</c>: a ready-to-paste client entry for the running server, with the absolute path of
/// this very executable (GUI clients do not see <c>~/.dotnet/tools</c> on PATH), its non-secret arguments, and the
/// server's environment settings that are set now. A secret's value is never printed: each client gets its own way to
/// supply it (an environment reference, an input prompt, or a <c>_FILE</c> path to fill in).
/// </summary>
public static class ClientConfig
{
    public static readonly IReadOnlyList<string> Clients = ["claude-code", "claude-desktop", "vscode", "managed"];

    /// <summary>The entry for <paramref name="client"/>, and notes for stderr (what to fill in).</summary>
    /// <param name="command">The executable and the arguments that must precede the server's own (a .dll runs under dotnet).</param>
    /// <param name="arguments">The server's arguments, without <c>--print-config</c>.</param>
    /// <param name="environment">The process environment (name → value).</param>
    public static (string Json, IReadOnlyList<string> Notes) For(string client, ServerIdentity identity, (string Path, IReadOnlyList<string> Prefix) command,
        IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        if (!Clients.Contains(client))
        {
            throw new ConfigurationException($"--print-config takes one of: {string.Join(", ", Clients)}.");
        }

        string name = identity.Name.StartsWith("mcp-", StringComparison.Ordinal) ? identity.Name[4..] : identity.Name;
        var notes = new List<string>();
        var env = new JsonObject();
        var inputs = new JsonArray();
        foreach ((string variable, string value) in Settings(identity, environment))
        {
            if (!IsSecret(variable, identity))
            {
                env[variable] = value;
                continue;
            }

            switch (client)
            {
                case "vscode":
                    string id = variable.ToLowerInvariant().Replace("__", "-", StringComparison.Ordinal).Replace('_', '-');
                    inputs.Add((JsonNode)new JsonObject { ["type"] = "promptString", ["id"] = id, ["description"] = $"{variable} for {identity.Name}", ["password"] = true });
                    env[variable] = $"${{input:{id}}}";
                    break;
                case "claude-code":
                    // Claude Code expands ${VAR} in .mcp.json from the environment it starts in.
                    env[variable] = $"${{{variable}}}";
                    notes.Add($"{variable} is read from the environment Claude Code starts in (${{{variable}}}); or use {variable}_FILE.");
                    break;
                default:
                    env[variable + "_FILE"] = $"<path of a file holding {variable}>";
                    notes.Add($"Fill in {variable}_FILE: the path of a file (readable only by you) that holds {variable}; the secret itself is not printed.");
                    break;
            }
        }

        var entry = new JsonObject();
        if (client is "claude-code" or "vscode")
        {
            entry["type"] = "stdio";
        }

        entry["command"] = command.Path;
        entry["args"] = new JsonArray([.. command.Prefix.Concat(arguments).Select(a => (JsonNode?)JsonValue.Create(a))]);
        entry["env"] = env;
        JsonObject document = client == "vscode"
            ? new JsonObject { ["inputs"] = inputs, ["servers"] = new JsonObject { [name] = entry } }
            : new JsonObject { ["mcpServers"] = new JsonObject { [name] = entry } };
        notes.Insert(0, client switch
        {
            "claude-code" => "Paste into .mcp.json at the project root (shared with the project) or run: claude mcp add-json --scope user " + name + " '<the \"" + name + "\" object>'.",
            "claude-desktop" => "Merge into claude_desktop_config.json (Settings > Developer > Edit Config), then restart Claude Desktop.",
            "vscode" => "Paste into .vscode/mcp.json; VS Code asks for each input once and stores it in its secret storage.",
            _ => "Deploy as managed-mcp.json (Claude Code's managed settings folder) so every user gets this server; secrets come from files you provision.",
        });
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return (System.Text.Encoding.UTF8.GetString(buffer.ToArray()), notes);
    }

    /// <summary>The server's settings present in the environment: its prefixed variables, its vendor aliases, and their _FILE variants.</summary>
    private static IEnumerable<(string Variable, string Value)> Settings(ServerIdentity identity, IReadOnlyDictionary<string, string> environment)
    {
        HashSet<string> aliases = [.. identity.EnvironmentAliases.Select(a => a.Variable)];
        foreach ((string variable, string value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string bare = variable.EndsWith("_FILE", StringComparison.Ordinal) ? variable[..^5] : variable;
            if (variable.StartsWith(identity.EnvironmentPrefix, StringComparison.Ordinal) || aliases.Contains(bare))
            {
                yield return (variable, value);
            }
        }
    }

    /// <summary>A variable holding a secret value (not a <c>_FILE</c> path to one).</summary>
    private static bool IsSecret(string variable, ServerIdentity identity)
    {
        if (variable.EndsWith("_FILE", StringComparison.Ordinal))
        {
            return false;
        }

        string? key = variable.StartsWith(identity.EnvironmentPrefix, StringComparison.Ordinal)
            ? variable[identity.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)
            : identity.EnvironmentAliases.FirstOrDefault(a => a.Variable == variable)?.ConfigKey;
        return key is null || CommandLine.IsSecretSetting(key, identity);
    }

    /// <summary>The process environment as a dictionary.</summary>
    /// <summary>
    /// The arguments with relative paths made absolute: a client starts the server in a folder of its own choosing, so
    /// <c>--sqlite ./sales.db</c> must become the path it means here. The values of the shared path switches are paths
    /// whether or not the file exists yet (an audit log); any other relative value is one when it names an existing
    /// file or folder. URLs, absolute paths and other values pass unchanged.
    /// </summary>
    public static IReadOnlyList<string> AbsolutePaths(IReadOnlyList<string> arguments, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string[] result = [.. arguments];
        for (int i = 1; i < result.Length; i++)
        {
            string value = result[i];
            if (value.StartsWith('-') || Path.IsPathRooted(value) || value.Contains("://", StringComparison.Ordinal))
            {
                continue;
            }

            string full = Path.GetFullPath(value, workingDirectory);
            if (result[i - 1] is "--config" or "--audit-log" or "--approved-tools" || File.Exists(full) || Directory.Exists(full))
            {
                result[i] = full;
            }
        }

        return result;
    }

    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }

        return variables;
    }

    /// <summary>How to start this very process again: a native or apphost executable directly, a .dll under dotnet.</summary>
    public static (string Path, IReadOnlyList<string> Prefix) CurrentCommand()
    {
        string process = Environment.ProcessPath ?? "";
        string? entry = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
        bool underDotnet = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return underDotnet && entry is not null ? (process, [Path.Combine(AppContext.BaseDirectory, entry + ".dll")]) : (InstalledCommand(process), []);
    }

    /// <summary>
    /// An installed dotnet tool runs from its versioned store (<c>&lt;tools&gt;/.store/&lt;id&gt;/&lt;version&gt;/…/mcp-x</c>), a path the
    /// next <c>dotnet tool update</c> removes: the command the tool path offers for it (<c>&lt;tools&gt;/mcp-x</c>) is used when it
    /// exists. Any other executable is its own path.
    /// </summary>
    public static string InstalledCommand(string process)
    {
        ArgumentNullException.ThrowIfNull(process);
        string separator = Path.DirectorySeparatorChar + ".store" + Path.DirectorySeparatorChar;
        int store = process.IndexOf(separator, StringComparison.Ordinal);
        if (store < 0)
        {
            return process;
        }

        string command = Path.Combine(process[..store], Path.GetFileName(process));
        return File.Exists(command) ? command : process;
    }
}
