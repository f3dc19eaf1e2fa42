package dev.portcullis.gateway.lean;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * What route predicates read of a request on the lean path.
 *
 * @param method the method
 * @param rawPath the path as sent
 * @param rawQuery the query as sent, or {@code null}
 * @param headers the client's headers
 */
record LeanRequest(HttpMethod method, String rawPath, String rawQuery, HttpHeaders headers) {

}
