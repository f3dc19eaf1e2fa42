package dev.portcullis.gateway.route;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@code PortcullisPublic} route filter: the route needs no access token, as with route
 * metadata {@code public: true}. The filter itself does nothing; {@link RoutePolicy} finds it
 * among the route's filters and decides, the one place either spelling is read.
 *
 * <pre>
 * filters:
 *   - PortcullisPublic
 * </pre>
 */
public class PortcullisPublicGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

	/** The name routes use. */
	public static final String NAME = "PortcullisPublic";

	public PortcullisPublicGatewayFilterFactory() {
		super(Object.class);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public GatewayFilter apply(Object config) {
		return PublicRouteMarker.INSTANCE;
	}

	/**
	 * The mark on a public route. {@link Ordered} so that Spring Cloud Gateway keeps it as is
	 * instead of wrapping it, and {@link RoutePolicy} can recognise it.
	 */
	static final class PublicRouteMarker implements GatewayFilter, Ordered {

		static final PublicRouteMarker INSTANCE = new PublicRouteMarker();

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

		@Override
		public String toString() {
			return "[" + NAME + "]";
		}

	}

}
