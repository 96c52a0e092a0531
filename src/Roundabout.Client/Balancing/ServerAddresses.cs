using Grpc.Net.Client.Balancer;
using Roundabout.Contracts;

namespace Roundabout.Client.Balancing;

/// <summary>Keeps the registry's spelling of an address on the balancer's address objects.</summary>
internal static class ServerAddresses
{
    private static readonly BalancerAttributesKey<string> _registryAddress = new("roundabout.registry-address");

    public static BalancerAddress ToBalancerAddress(EndpointAddress address, string registryAddress)
    {
        var balancerAddress = new BalancerAddress(address.Host, address.Port);
        balancerAddress.Attributes.Set(_registryAddress, registryAddress);
        return balancerAddress;
    }

    public static string KeyOf(Subchannel subchannel)
    {
        var address = subchannel.CurrentAddress ?? (subchannel.GetAddresses() is { Count: > 0 } all ? all[0] : null);
        if (address is null)
        {
            return subchannel.ToString();
        }

        return address.Attributes.TryGetValue(_registryAddress, out var text) && text is not null
            ? text
            : $"{address.EndPoint.Host}:{address.EndPoint.Port}";
    }
}
