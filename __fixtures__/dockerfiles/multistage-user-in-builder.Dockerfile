FROM node:20 AS deps
USER node
WORKDIR /home/node/app
COPY package*.json ./
RUN npm ci

FROM node:20-slim
WORKDIR /app
COPY --from=deps /home/node/app/node_modules ./node_modules
COPY . .
EXPOSE 3000
CMD ["node", "server.js"]
