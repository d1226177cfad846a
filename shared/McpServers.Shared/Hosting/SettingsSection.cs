using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Hosting;

/// <summary>
/// A configuration section read into an options type. The type's public settable properties (recursively for nested
/// option objects; any child key for dictionaries) are the setting keys the host accepts under <see cref="Path"/>, so
/// a property added to the type is a known setting without any list to keep in step. Any other key from the command
/// line, the <c>MCP_&lt;SERVER&gt;__</c> environment or a <c>--config</c> file is refused as a likely typo.
/// </summary>
/// <param name="Path">The section, e.g. <c>Jira</c> or <c>Jira:Http</c>; empty for settings at the root.</param>
/// <param name="OptionsType">The type the section is read into.</param>
public sealed record SettingsSection(
    string Path,
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    [param: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    Type OptionsType);

public static class SettingsSectionServiceCollectionExtensions
{
    /// <summary>Declares that <paramref name="path"/> is read into <typeparamref name="T"/> (see <see cref="SettingsSection"/>).</summary>
    public static IServiceCollection AddSettingsSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this IServiceCollection services, string path)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(path);
        return services.AddSingleton(new SettingsSection(path, typeof(T)));
    }

    /// <summary>
    /// Resolves <typeparamref name="T"/> (a server's options, read and checked by its factory) before the tool set is
    /// built and under <c>--check</c>, so a bad setting fails start-up with its message rather than the first tool
    /// call, even when no tool needs <typeparamref name="T"/> to be listed. Not under <c>--print-tools</c>: the
    /// manifest needs neither backend settings nor credentials.
    /// </summary>
    public static IServiceCollection AddStartupValidation<T>(this IServiceCollection services)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton(new StartupValidation(sp => sp.GetRequiredService<T>()));
    }
}

/// <summary>Registered by the host under <c>--print-tools</c>: build the tool set without the server's own settings checks.</summary>
internal sealed class ToolManifestOnly;

/// <summary>A server's options resolved at start-up (see <see cref="SettingsSectionServiceCollectionExtensions.AddStartupValidation{T}"/>).</summary>
public sealed class StartupValidation(Func<IServiceProvider, object> resolve)
{
    internal void Validate(IServiceProvider services) => resolve(services);
}
