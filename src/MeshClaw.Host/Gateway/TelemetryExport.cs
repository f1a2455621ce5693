using MeshClaw.Host.Configuration;
using MeshClaw.Models;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// The optional team export: OpenTelemetry GenAI metrics (gen_ai.client.token.usage, gen_ai.client.operation.duration)
/// over OTLP/HTTP. Off unless config.json names an endpoint. Metrics are aggregates by model and operation; no
/// prompt, answer, agent or person is in them.
/// </summary>
public static class TelemetryExport
{
    public static MeterProvider? Start(MeshClawConfig config)
    {
        if (config.OtlpEndpoint is not { } endpoint)
        {
            return null;
        }

        return Sdk.CreateMeterProviderBuilder()
            .AddMeter(ModelPipeline.TelemetryName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(endpoint, "v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)config.TelemetryInterval.TotalMilliseconds;
            })
            .Build();
    }
}
