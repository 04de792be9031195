package dev.chat.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every REST request an id, logged with everything the request logs (MDC key {@value #MDC_KEY}, a field
 * of the JSON log line) and returned in {@value #HEADER}. A well-formed id sent by the caller or a proxy is
 * kept, so one id follows the request through the ingress and this service; anything else is replaced.
 *
 * <p>The MDC lives in the request's own Vert.x context in Quarkus, so the id follows the request across
 * threads and ends with it; nothing has to be cleared.
 */
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        if (id == null || !WELL_FORMED.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        MDC.put(MDC_KEY, id);
        request.setProperty(MDC_KEY, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(MDC_KEY) instanceof String id) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }
}
