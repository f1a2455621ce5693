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
/// version, so what is built from the config (the tool catalog) is rebuilt only when it changed.
/// </summary>
public sealed class ConfigSource(string path, ISecretStore secrets, IUsageLedger ledger, TimeProvider time, ILoggerFactory loggers, ISecretRedactor? redactor = null) : ICurrentConfig, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ProviderClientFactory _providers = new(secrets, time);
    private DateTime _loadedStamp = DateTime.MinValue;
    private (MeshClawConfig Config, ModelPipeline Pipeline)? _current;
    private long _version;

    public long Version
    {
        get
        {
            Current();
            return Interlocked.Read(ref _version);
        }
    }

    public ConfigSections Sections => Current().Config.Sections;

    public (MeshClawConfig Config, ModelPipeline Pipeline) Current()
    {
        lock (_lock)
        {
            var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            if (_current is { } current && stamp == _loadedStamp)
            {
                return current;
            }

            try
            {
                var config = ConfigLoader.Load(path);
                _current = (config, new ModelPipeline(config.Models, _providers, ledger, config.Prices, time, loggers, redactor));
                _loadedStamp = stamp;
                Interlocked.Increment(ref _version);
            }
            catch (Exception ex) when (_current is not null && ex is ConfigException or IOException or ArgumentException or FormatException or OverflowException)
            {
                loggers.CreateLogger<ConfigSource>().LogError("Keeping the previous configuration: {Error}", (redactor ?? NoRedaction.Instance).Redact(ex.Message));
                _loadedStamp = stamp;
            }

            return _current!.Value;
        }
    }

    public void Dispose() => _providers.Dispose();
}
