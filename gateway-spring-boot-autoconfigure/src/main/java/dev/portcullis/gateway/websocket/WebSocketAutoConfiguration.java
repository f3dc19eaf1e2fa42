package dev.portcullis.gateway.websocket;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * WebSockets through the gateway: the {@code Origin} check on upgrades, the caps on open
 * sockets, the registry that ends sockets whose access has expired or been revoked, wired into
 * the {@link WebSocketService} Spring Cloud Gateway proxies sockets with, and the upstream
 * connection pool of their own that the proxied sockets use. No off switch: without it a
 * socket would outlive its token and its session's revocation, and a cross-site page could
 * open one with the user's cookie.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(GatewayProperties.class)
public class WebSocketAutoConfiguration {

	/** Bounds how late past its token's expiry a socket is ended. */
	static final Duration SWEEP_EVERY = Duration.ofMillis(250);

	@Bean
	@ConditionalOnMissingBean
	UpgradeOriginFilter upgradeOriginFilter(GatewayProperties properties, RoutePolicy routePolicy) {
		return new UpgradeOriginFilter(properties.cors().allowedOrigins(), routePolicy);
	}

	@Bean
	@ConditionalOnMissingBean
	OpenSockets openSockets(RevocationList revocations, GatewayProperties properties, Clock clock) {
		OpenSockets sockets = new OpenSockets(revocations, properties.clockSkew(), SWEEP_EVERY, clock);
		revocations.addListener(sockets::revoked);
		return sockets;
	}

	@Bean
	@ConditionalOnMissingBean
	SocketLimits socketLimits(GatewayProperties properties) {
		return new SocketLimits(properties.websocket().maxPerUser(), properties.websocket().maxOpen());
	}

	/**
	 * The upstream connections of proxied sockets, apart from the HTTP pool: a socket holds its
	 * connection for its whole life, so in a shared pool sockets could take every connection and
	 * leave plain requests to the same upstream waiting. Sized to
	 * {@code portcullis.gateway.websocket.max-open}, which {@link SocketLimits} enforces before
	 * the upgrade, so an admitted socket does not wait for a connection.
	 */
	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = "upstreamSocketPool")
	ConnectionProvider upstreamSocketPool(GatewayProperties properties, HttpClientProperties httpClient) {
		int size = properties.websocket().maxOpen();
		Long acquireTimeout = httpClient.getPool().getAcquireTimeout();
		return ConnectionProvider.builder("portcullis-websocket")
			.maxConnections(size)
			.pendingAcquireMaxCount(size)
			.pendingAcquireTimeout((acquireTimeout != null) ? Duration.ofMillis(acquireTimeout) : Duration.ofSeconds(45))
			.build();
	}

	/**
	 * The client Spring Cloud Gateway's {@code WebsocketRoutingFilter} connects to upstreams
	 * with, in place of its own (declared without {@code @ConditionalOnMissingBean}, on the
	 * shared HTTP client). Built by Spring Cloud Gateway's recipe (connect timeout, TLS, proxy,
	 * customizers, {@code httpclient.websocket.*}) on {@link #upstreamSocketPool}.
	 */
	@Bean
	@Primary
	ReactorNettyWebSocketClient upstreamWebSocketClient(HttpClientProperties httpClient, ServerProperties server,
			HttpClientSslConfigurer ssl, ObjectProvider<HttpClientCustomizer> customizers,
			ConnectionProvider upstreamSocketPool) {
		HttpClient client = new SocketHttpClientFactory(httpClient, server, ssl,
				customizers.orderedStream().toList(), upstreamSocketPool)
			.build();
		HttpClientProperties.Websocket websocket = httpClient.getWebsocket();
		return new ReactorNettyWebSocketClient(client, () -> {
			WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder().handlePing(websocket.isProxyPing());
			if (websocket.getMaxFramePayloadLength() != null) {
				spec.maxFramePayloadLength(websocket.getMaxFramePayloadLength());
			}
			return spec;
		});
	}

	/**
	 * Decorates the gateway's {@link WebSocketService}: Spring Cloud Gateway declares it without
	 * {@code @ConditionalOnMissingBean} and hands it straight to its routing filter, so a second
	 * bean would not replace it.
	 */
	@Bean
	static BeanPostProcessor guardedWebSocketService(ObjectProvider<OpenSockets> sockets,
			ObjectProvider<SocketLimits> limits) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof WebSocketService service && !(bean instanceof GuardedWebSocketService)) {
					return new GuardedWebSocketService(service, sockets.getObject(), limits.getObject());
				}
				return bean;
			}

		};
	}

	/** Spring Cloud Gateway's {@link HttpClient} recipe, on a given pool. */
	private static final class SocketHttpClientFactory extends HttpClientFactory {

		private final ConnectionProvider pool;

		SocketHttpClientFactory(HttpClientProperties properties, ServerProperties server, HttpClientSslConfigurer ssl,
				List<HttpClientCustomizer> customizers, ConnectionProvider pool) {
			super(properties, server, ssl, customizers);
			this.pool = pool;
		}

		@Override
		protected ConnectionProvider buildConnectionProvider(HttpClientProperties properties) {
			return this.pool;
		}

		HttpClient build() {
			return createInstance();
		}

	}

}
