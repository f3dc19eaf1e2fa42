package dev.portcullis.gateway.ratelimit;

import java.text.Normalizer;
import java.util.Locale;

import dev.portcullis.gateway.web.RequestBodyBrokenException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * The {@code ReadAccount} route filter: reads a sign-in or sign-up body (JSON, at most 16 KiB,
 * the auth service's own cap), puts its {@code email}, trimmed and lower-cased, in the
 * {@link #ACCOUNT_ATTRIBUTE} for {@code portcullisAccountKeyResolver}, and forwards the same
 * bytes. Placed before the route's {@code RequestRateLimiter} filters.
 *
 * <p>The body is held by this filter and replayed by its own request wrapper, so Spring Cloud
 * Gateway's body-caching global filters stay off. A body announced larger than the cap is not
 * read (the auth service refuses it with 413; the per-client limit still applies); one without a
 * length that runs past the cap is refused with 400. A body that is not JSON or has no usable
 * {@code email} leaves the attribute unset: the account key falls back to the client address.
 */
final class ReadAccountGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

	static final String ACCOUNT_ATTRIBUTE = ReadAccountGatewayFilterFactory.class.getName() + ".account";

	static final int MAX_BODY = 16 * 1024;

	/** The auth service's longest e-mail address. */
	static final int MAX_EMAIL = 254;

	private static final JsonMapper json = JsonMapper.builder().build();

	ReadAccountGatewayFilterFactory() {
		super(Object.class);
	}

	@Override
	public GatewayFilter apply(Object config) {
		return (exchange, chain) -> {
			ServerHttpRequest request = exchange.getRequest();
			long announced = request.getHeaders().getContentLength();
			if (announced > MAX_BODY || announced == 0) {
				return chain.filter(exchange);
			}
			return DataBufferUtils.join(request.getBody(), MAX_BODY)
				// past the cap, or broken off (bad chunk, disconnect, read timeout): the client's fault, 400
				.onErrorMap(RequestBodyBrokenException::new)
				.map(ReadAccountGatewayFilterFactory::bytes)
				.defaultIfEmpty(new byte[0])
				.flatMap((body) -> {
					String account = account(body);
					if (account != null) {
						exchange.getAttributes().put(ACCOUNT_ATTRIBUTE, account);
					}
					return chain.filter(exchange.mutate().request(new Replayed(request, body)).build());
				});
		};
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/** The body's {@code email}, normalized as the auth service does; null when there is none. */
	static String account(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode email = json.readTree(body).get("email");
			if (email == null || !email.isString()) {
				return null;
			}
			String account = Normalizer.normalize(email.stringValue().strip(), Normalizer.Form.NFKC)
				.toLowerCase(Locale.ROOT);
			return (account.isEmpty() || account.length() > MAX_EMAIL) ? null : account;
		}
		catch (JacksonException ex) {
			// not JSON: the auth service answers it; the limit falls back to the client address
			return null;
		}
	}

	/** The request with the body already read, sent again from memory. */
	private static final class Replayed extends ServerHttpRequestDecorator {

		private final byte[] body;

		Replayed(ServerHttpRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return (this.body.length == 0) ? Flux.empty()
					: Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(this.body)));
		}

	}

}
