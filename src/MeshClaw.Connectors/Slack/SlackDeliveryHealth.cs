namespace MeshClaw.Connectors.Slack;

/// <summary>How the outbox's Slack delivery stands, for the connector row: what it is waiting for, and what it gave up on.</summary>
public sealed class SlackDeliveryHealth
{
    private readonly Lock _lock = new();
    private string? _waiting;
    private int _failed;
    private string? _lastFailure;

    public (string? Waiting, int Failed, string? LastFailure) Now
    {
        get
        {
            lock (_lock)
            {
                return (_waiting, _failed, _lastFailure);
            }
        }
    }

    public void Waiting(string? why)
    {
        lock (_lock)
        {
            _waiting = why;
        }
    }

    public void Failed(int count, string? last)
    {
        lock (_lock)
        {
            (_failed, _lastFailure) = (count, last);
        }
    }
}
