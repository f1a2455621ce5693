using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Models;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Configuration;

/// <summary>
/// The current configuration and the model pipeline built from it. An edited config.json is picked up at the next
/// use, without a restart; a broken edit keeps the last good configuration and says why. Each good load is a new
/// instance, so what is built from the config (the tool catalog) is rebuilt only when it changed.
/// </summary>
/// <remarks>
/// Asked on every policy decision and tool-catalog lookup, so the file is looked at only when the <see cref="LookThrottle"/>
/// says so. <see cref="Refresh"/> looks at once, for a writer in this process that needs its change seen now.
/// <see cref="Changed"/> tells listeners (the scheduler) when a new version was loaded.
/// </remarks>
public sealed class ConfigSource : ICurrentConfig, IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly IUsageLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ISecretRedactor? _redactor;
    private readonly ProviderClientFactory _providers;
    private readonly LookThrottle _look = new();
    private volatile Loaded? _loaded;
    private DateTime _loadedStamp = DateTime.MinValue;

    public ConfigSource(string path, ISecretStore secrets, IUsageLedger ledger, TimeProvider time, ILoggerFactory loggers, ISecretRedactor? redactor = null)
    {
        (_path, _ledger, _time, _loggers, _redactor) = (path, ledger, time, loggers, redactor);
        _providers = new ProviderClientFactory(secrets, time);
    }

    public ConfigSections Sections => Current().Config.Sections;

    /// <summary>Why the last edit of config.json was refused, while the previous configuration stays in force; null when the file loads.</summary>
    public string? RefusedEdit { get; private set; }

    /// <summary>Raised after a changed config.json was loaded (not for a broken edit, which keeps the last good one).</summary>
    public event Action? Changed;

    public (MeshClawConfig Config, ModelPipeline Pipeline) Current()
    {
        if (_loaded is { } loaded && !_look.Due)
        {
            return (loaded.Config, loaded.Pipeline);
        }

        return Look();
    }

    /// <summary>Looks at config.json now, e.g. right after this process wrote it.</summary>
    public (MeshClawConfig Config, ModelPipeline Pipeline) Refresh()
    {
        _look.Reset();
        return Look();
    }

    private (MeshClawConfig Config, ModelPipeline Pipeline) Look()
    {
        var changed = false;
        (MeshClawConfig, ModelPipeline) result;
        lock (_lock)
        {
            _look.Looking();
            var stamp = File.GetLastWriteTimeUtc(_path);
            if (_loaded is { } current && stamp == _loadedStamp)
            {
                return (current.Config, current.Pipeline);
            }

            try
            {
                var config = ConfigLoader.Load(_path);
                changed = _loaded is not null;
                _loaded = new Loaded(config, new ModelPipeline(config.Models, _providers, _ledger, config.Prices, _time, _loggers, _redactor));
                _loadedStamp = stamp;
                RefusedEdit = null;
            }
            catch (Exception ex) when (_loaded is not null && ex is ConfigException or IOException or ArgumentException or FormatException or OverflowException)
            {
                RefusedEdit = (_redactor ?? NoRedaction.Instance).Redact(ex.Message);
                _loggers.CreateLogger<ConfigSource>().LogError("Keeping the previous configuration: {Error}", RefusedEdit);
                _loadedStamp = stamp;
            }

            result = (_loaded!.Config, _loaded.Pipeline);
        }

        if (changed)
        {
            Changed?.Invoke();
        }

        return result;
    }

    private sealed record Loaded(MeshClawConfig Config, ModelPipeline Pipeline);

    public void Dispose() => _providers.Dispose();
}
