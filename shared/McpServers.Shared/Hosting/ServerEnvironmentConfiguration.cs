using System.Collections;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Hosting;

/// <summary>
/// Settings from the environment: <c>MCP_X__Section__Key</c> (standard <c>__</c> nesting, prefix removed), the
/// vendor's customary names (e.g. <c>DATABASE_URL</c>), and for each of those a <c>NAME_FILE</c> variant that names a
/// file holding the value (Docker/Kubernetes secrets). A <c>_FILE</c> that cannot be read is a configuration error
/// naming the variable, not a silent fallback.
/// </summary>
internal sealed class ServerEnvironmentConfigurationSource(ServerIdentity identity) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new Provider(identity, Environment.GetEnvironmentVariables());

    private sealed class Provider(ServerIdentity identity, IDictionary environment) : ConfigurationProvider
    {
        private const string FileSuffix = "_FILE";

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            // Aliases first, so an explicit MCP_X__Key wins over the vendor name.
            foreach (EnvironmentAlias alias in identity.EnvironmentAliases)
            {
                if (Read(alias.Variable) is { } value)
                {
                    data[alias.ConfigKey] = value;
                }
            }

            foreach (DictionaryEntry entry in environment)
            {
                string name = (string)entry.Key;
                if (!name.StartsWith(identity.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                string key = name[identity.EnvironmentPrefix.Length..];
                if (key.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    key = key[..^FileSuffix.Length];
                }

                if (key.Length > 0 && Read(name[..(identity.EnvironmentPrefix.Length + key.Length)]) is { } value)
                {
                    data[key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
                }
            }

            Data = data;
        }

        private string? Read(string variable)
        {
            if (environment[variable] is string direct && direct.Length > 0)
            {
                return direct;
            }

            if (environment[variable + FileSuffix] is not string path || path.Length == 0)
            {
                return null;
            }

            try
            {
                return File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"{variable}{FileSuffix} names a file that cannot be read ({e.GetType().Name}). Check the path and its permissions.");
            }
        }
    }
}

/// <summary>A configuration problem a person must fix; the message names the setting.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception innerException) : base(message, innerException) { }

    public ConfigurationException() : base("The configuration is not valid.") { }
}
