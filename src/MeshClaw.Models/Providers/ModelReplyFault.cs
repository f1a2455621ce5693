namespace MeshClaw.Models.Providers;

/// <summary>How a successful-looking answer from a model endpoint broke the protocol.</summary>
public enum ModelReplyFault
{
    /// <summary>The body is not the protocol at all: HTML (a proxy's or portal's page), invalid JSON, or nothing.</summary>
    NotTheProtocol,

    /// <summary>The body stopped before its end: the connection closed mid-body or mid-stream, or the JSON is incomplete.</summary>
    Truncated,
}
